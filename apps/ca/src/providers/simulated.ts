/**
 * In-process simulations of the external systems, seeded from the demo data. They behave like the
 * real systems as far as the flow can tell: unknown people are unknown, phones can be missing and
 * registered, the SMS and e-mail gateways keep what they "sent" for the dev outbox (in the store in
 * dev mode, so that every CA process shows the same; in memory otherwise), Digital ID recognises what
 * the person's document says (which may differ from the registry).
 */
import { appendFileSync } from 'node:fs';
import type {
  CaRepository,
  DevOutboxInput,
  DevOutboxLimits,
  DevOutboxMessage,
  DevOutboxQuery,
  RecognizedDocument,
} from '@kzpki/ca-store';
import type { DemoData, DemoPerson } from './demo-data.js';
import type {
  CaProviders,
  DigitalId,
  EmailGateway,
  EmailMessageInput,
  LegalEntityRegistry,
  MobileCitizensDb,
  OutboxFilter,
  PersonRegistry,
  RegistryOrganization,
  RegistryPerson,
  SentEmail,
  SentSms,
  SmsGateway,
  SmsMessageInput,
} from './types.js';

/** Options of {@link createSimulatedProviders}. */
export interface SimulatedProvidersOptions {
  /** Include the NCA test identifiers (test mode). */
  testMode?: boolean;
  /** Messages kept in the outbox (oldest dropped; default 1,000). */
  outboxSize?: number;
  /** Age after which the store-backed outbox drops a message (default 24 h). */
  outboxMaxAgeMs?: number;
  /**
   * The CA's store, to keep the outbox in (dev mode): every CA process on one database then shows
   * the same messages. Without it the outbox is in this process's memory.
   */
  devOutboxStore?: Pick<CaRepository, 'appendDevOutbox' | 'listDevOutbox'>;
  /** Clock. */
  now?: () => Date;
  /**
   * A file the simulated SMS gateway also appends every message to (JSON lines, created 0600):
   * the "phone" of a CA that runs without dev mode, readable by the server's own user only.
   */
  smsSpool?: string;
}

function toRegistryPerson(p: DemoPerson): RegistryPerson {
  const { phone: _phone, presentedDocument: _pd, faceMismatch: _fm, testOnly: _t, note: _n, ...person } = p;
  return person;
}

/** Where the simulated gateways keep what they "sent": in memory, or in the store (dev mode). */
export interface DevOutbox {
  append(message: DevOutboxInput): Promise<DevOutboxMessage>;
  /** Messages of one channel, newest first. */
  list(query: DevOutboxQuery): Promise<DevOutboxMessage[]>;
}

/** What the store-backed dev outbox keeps: the newest 1,000 messages, none older than 24 hours. */
export const DEV_OUTBOX_LIMITS: DevOutboxLimits = { maxMessages: 1000, maxAgeMs: 86_400_000 };

/** Messages a dev outbox shows at most per request. */
const OUTBOX_LIST_LIMIT = 1000;

/** The messages of one channel the filter selects (newest first, at most `OUTBOX_LIST_LIMIT`). */
function listChannel(box: DevOutbox, channel: 'sms' | 'email', filter: OutboxFilter) {
  return box.list({
    channel,
    ...(filter.to !== undefined ? { recipient: filter.to } : {}),
    ...(filter.iin !== undefined ? { iin: filter.iin } : {}),
    limit: filter.limit ?? OUTBOX_LIST_LIMIT,
  });
}

/** A bounded outbox in this process's memory (oldest dropped): the outbox of a CA without dev mode. */
export class MemoryDevOutbox implements DevOutbox {
  private readonly messages: DevOutboxMessage[] = [];
  private nextId = 1;

  constructor(private readonly size = 1000) {}

  async append(message: DevOutboxInput): Promise<DevOutboxMessage> {
    const stored = { ...message, id: this.nextId++ };
    this.messages.push(stored);
    if (this.messages.length > this.size) this.messages.splice(0, this.messages.length - this.size);
    return stored;
  }

  async list(q: DevOutboxQuery): Promise<DevOutboxMessage[]> {
    const found = this.messages.filter(
      (m) =>
        (q.channel === undefined || m.channel === q.channel) &&
        (q.recipient === undefined || m.recipient === q.recipient) &&
        (q.iin === undefined || m.iin === q.iin),
    );
    return found.reverse().slice(0, q.limit);
  }
}

/**
 * The dev outbox in the CA's store (`dev_outbox`): every CA process on one database shows the same
 * messages, bounded by `limits` on every write (default: the newest 1,000, none older than 24 h).
 */
export class StoreDevOutbox implements DevOutbox {
  constructor(
    private readonly store: Pick<CaRepository, 'appendDevOutbox' | 'listDevOutbox'>,
    private readonly limits: DevOutboxLimits = DEV_OUTBOX_LIMITS,
  ) {}

  append(message: DevOutboxInput): Promise<DevOutboxMessage> {
    return this.store.appendDevOutbox(message, this.limits);
  }

  list(query: DevOutboxQuery): Promise<DevOutboxMessage[]> {
    return this.store.listDevOutbox(query);
  }
}

/** The simulated SMS gateway with its outbox. */
export class SimulatedSmsGateway implements SmsGateway {
  constructor(
    private readonly box: DevOutbox,
    private readonly now: () => Date,
    private readonly spool?: string,
  ) {}

  async send(message: SmsMessageInput & { code?: string }): Promise<void> {
    const stored = await this.box.append({
      channel: 'sms',
      recipient: message.to,
      sender: message.sender,
      body: message.text,
      kind: message.kind,
      ...(message.code !== undefined ? { code: message.code } : {}),
      createdAt: this.now(),
    });
    if (this.spool) {
      const sent = { ...message, id: stored.id, sentAt: stored.createdAt.toISOString() };
      appendFileSync(this.spool, `${JSON.stringify(sent)}\n`, { mode: 0o600 });
    }
  }

  async outbox(filter: OutboxFilter = {}): Promise<SentSms[]> {
    const found = await listChannel(this.box, 'sms', filter);
    return found.map((m) => ({
      id: m.id,
      to: m.recipient,
      sender: m.sender,
      text: m.body,
      kind: m.kind,
      ...(m.code !== undefined ? { code: m.code } : {}),
      sentAt: m.createdAt,
    }));
  }
}

/** Sender address of the simulated e-mail gateway. */
export const EMAIL_SENDER = 'noreply@pki.kzpki.test';

/** The simulated e-mail gateway: writes to the same outbox as the SMS one (channel `email`). */
export class SimulatedEmailGateway implements EmailGateway {
  constructor(
    private readonly box: DevOutbox,
    private readonly now: () => Date,
    private readonly from = EMAIL_SENDER,
  ) {}

  async send(message: EmailMessageInput): Promise<void> {
    await this.box.append({
      channel: 'email',
      recipient: message.to,
      sender: this.from,
      subject: message.subject,
      body: message.text,
      ...(message.iin !== undefined ? { iin: message.iin } : {}),
      kind: 'notification',
      createdAt: this.now(),
    });
  }

  async outbox(filter: OutboxFilter = {}): Promise<SentEmail[]> {
    const found = await listChannel(this.box, 'email', filter);
    return found.map((m) => ({
      id: m.id,
      to: m.recipient,
      from: m.sender,
      subject: m.subject ?? '',
      text: m.body,
      ...(m.iin !== undefined ? { iin: m.iin } : {}),
      sentAt: m.createdAt,
    }));
  }
}

/** Builds every simulated provider from demo data. */
export function createSimulatedProviders(
  data: DemoData,
  options: SimulatedProvidersOptions = {},
): CaProviders {
  const visible = <T extends { testOnly?: boolean }>(x: T): boolean =>
    options.testMode === true || x.testOnly !== true;
  const now = options.now ?? (() => new Date());
  const box: DevOutbox = options.devOutboxStore
    ? new StoreDevOutbox(options.devOutboxStore, {
        maxMessages: options.outboxSize ?? DEV_OUTBOX_LIMITS.maxMessages,
        maxAgeMs: options.outboxMaxAgeMs ?? DEV_OUTBOX_LIMITS.maxAgeMs,
      })
    : new MemoryDevOutbox(options.outboxSize ?? DEV_OUTBOX_LIMITS.maxMessages);
  const persons = new Map(data.persons.filter(visible).map((p) => [p.iin, p]));
  const organizations = new Map(data.organizations.filter(visible).map((o) => [o.bin, o]));
  const phones = new Map<string, string>();
  for (const p of persons.values()) if (p.phone !== null) phones.set(p.iin, p.phone);

  const personRegistry: PersonRegistry = {
    async findPerson(iin) {
      const p = persons.get(iin);
      return p && toRegistryPerson(p);
    },
  };
  const legalEntities: LegalEntityRegistry = {
    async findOrganization(bin): Promise<RegistryOrganization | undefined> {
      const o = organizations.get(bin);
      if (!o) return undefined;
      return {
        bin: o.bin,
        name: o.name,
        firstManagerIin: o.firstManagerIin,
        ...(o.treasuryParticipants ? { treasuryParticipants: o.treasuryParticipants } : {}),
      };
    },
  };
  const mobile: MobileCitizensDb = {
    async findPhone(iin) {
      return phones.get(iin);
    },
    async register(iin, phone) {
      phones.set(iin, phone);
    },
  };
  const digitalId: DigitalId = {
    async checkSelfie({ iin, selfie, liveness }) {
      const p = persons.get(iin);
      return {
        livenessPassed: liveness.passed && liveness.score >= 0.5,
        faceMatches: p !== undefined && selfie.length > 0 && p.faceMismatch !== true,
      };
    },
    async recognizeDocument({ iin, type, frontImage }): Promise<RecognizedDocument | undefined> {
      const p = persons.get(iin);
      if (!p || frontImage.length === 0 || p.document.type !== type) return undefined;
      const shown = { ...toRegistryPerson(p), ...p.document, ...p.presentedDocument };
      return {
        type: shown.type,
        number: shown.number,
        iin: p.iin,
        surname: shown.surname,
        givenName: shown.givenName,
        ...(shown.patronymic !== undefined ? { patronymic: shown.patronymic } : {}),
        sex: shown.sex,
        birthDate: shown.birthDate,
        ...(shown.birthPlace !== undefined ? { birthPlace: shown.birthPlace } : {}),
        ...(shown.nationality !== undefined ? { nationality: shown.nationality } : {}),
        issuer: shown.issuer,
        issuedAt: shown.issuedAt,
        validUntil: shown.validUntil,
      };
    },
  };
  return {
    persons: personRegistry,
    organizations: legalEntities,
    mobile,
    sms: new SimulatedSmsGateway(box, now, options.smsSpool),
    email: new SimulatedEmailGateway(box, now),
    digitalId,
  };
}

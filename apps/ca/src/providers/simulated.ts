/**
 * In-process simulations of the external systems, seeded from the demo data. They behave like the
 * real systems as far as the flow can tell: unknown people are unknown, phones can be missing and
 * registered, the SMS gateway keeps what it "sent" for the dev outbox, Digital ID recognises what
 * the person's document says (which may differ from the registry).
 */
import { appendFileSync } from 'node:fs';
import type { RecognizedDocument } from '@kzpki/ca-store';
import type { DemoData, DemoPerson } from './demo-data.js';
import type {
  CaProviders,
  DigitalId,
  LegalEntityRegistry,
  MobileCitizensDb,
  PersonRegistry,
  RegistryOrganization,
  RegistryPerson,
  SentSms,
  SmsGateway,
  SmsMessageInput,
} from './types.js';

/** Options of {@link createSimulatedProviders}. */
export interface SimulatedProvidersOptions {
  /** Include the NCA test identifiers (test mode). */
  testMode?: boolean;
  /** Messages kept in the outbox (oldest dropped). */
  outboxSize?: number;
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

/** The simulated SMS gateway with its outbox. */
export class SimulatedSmsGateway implements SmsGateway {
  private readonly messages: SentSms[] = [];
  private nextId = 1;

  constructor(
    private readonly size: number,
    private readonly now: () => Date,
    private readonly spool?: string,
  ) {}

  async send(message: SmsMessageInput & { code?: string }): Promise<void> {
    const sent = { ...message, id: this.nextId++, sentAt: this.now() };
    this.messages.push(sent);
    if (this.messages.length > this.size) this.messages.splice(0, this.messages.length - this.size);
    if (this.spool) {
      appendFileSync(this.spool, `${JSON.stringify({ ...sent, sentAt: sent.sentAt.toISOString() })}\n`, {
        mode: 0o600,
      });
    }
  }

  outbox(filter: { to?: string } = {}): SentSms[] {
    return this.messages.filter((m) => filter.to === undefined || m.to === filter.to).reverse();
  }
}

/** Builds every simulated provider from demo data. */
export function createSimulatedProviders(
  data: DemoData,
  options: SimulatedProvidersOptions = {},
): CaProviders {
  const visible = <T extends { testOnly?: boolean }>(x: T): boolean =>
    options.testMode === true || x.testOnly !== true;
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
    sms: new SimulatedSmsGateway(
      options.outboxSize ?? 1000,
      options.now ?? (() => new Date()),
      options.smsSpool,
    ),
    digitalId,
  };
}

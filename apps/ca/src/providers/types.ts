/**
 * Interfaces of the external systems the NCA talks to. The reference CA runs in-process
 * simulations of all of them (seeded from `data/demo.json`); a deployment against the real
 * systems implements these interfaces and passes them to `createCaServer({ providers })`.
 */
import type { RecognizedDocument } from '@kzpki/ca-store';

/** The registry's current identity document of a person. */
export interface RegistryDocument {
  type: 'id-card' | 'passport';
  number: string;
  issuer: string;
  issuedAt: string;
  validUntil: string;
}

/** A person in the state registry of individuals («ФЛ»). */
export interface RegistryPerson {
  iin: string;
  surname: string;
  givenName: string;
  patronymic?: string;
  sex: 'male' | 'female';
  birthDate: string;
  birthPlace?: string;
  nationality?: string;
  document: RegistryDocument;
}

/** A Treasury-Client participant of an organisation. */
export interface TreasuryParticipant {
  iin: string;
  /** Role code written to DC (e.g. `ROLE02`). */
  roleCode: string;
  /** Participant code written to businessCategory (e.g. `KS1234`). */
  participantCode: string;
}

/** An organisation in the state registry of legal entities («ЮЛ»). */
export interface RegistryOrganization {
  bin: string;
  name: string;
  /** IIN of the registered head (first manager). */
  firstManagerIin: string;
  treasuryParticipants?: TreasuryParticipant[];
}

/** State registry of individuals. */
export interface PersonRegistry {
  findPerson(iin: string): Promise<RegistryPerson | undefined>;
}

/** State registry of legal entities. */
export interface LegalEntityRegistry {
  findOrganization(bin: string): Promise<RegistryOrganization | undefined>;
}

/** Mobile Citizens Database (БМГ): the phone registered for an IIN. */
export interface MobileCitizensDb {
  findPhone(iin: string): Promise<string | undefined>;
  /**
   * Registers a phone (the real database does this after a video call with an operator).
   * Absent when the provider cannot register.
   */
  register?(iin: string, phone: string): Promise<void>;
}

/** An SMS to send. */
export interface SmsMessageInput {
  to: string;
  /** Short number of the sender (the NCA's codes come from 1414). */
  sender: string;
  text: string;
  kind: 'otp' | 'notification';
}

/** A sent SMS as the dev outbox shows it. */
export interface SentSms extends SmsMessageInput {
  id: number;
  sentAt: Date;
  /** The one-time code, for `otp` messages (dev outbox only). */
  code?: string;
}

/** Filter of a dev outbox: one recipient, at most `limit` messages (newest first). */
export interface OutboxFilter {
  to?: string;
  /** The person the messages are about (e-mail: the applicant's IIN). */
  iin?: string;
  limit?: number;
}

/** SMS gateway. */
export interface SmsGateway {
  send(message: SmsMessageInput & { code?: string }): Promise<void>;
  /**
   * Messages sent so far, newest first (simulations only; the dev outbox endpoint reads it). The
   * simulation in dev mode reads them from the store, so every CA process shows the same.
   */
  outbox?(filter?: OutboxFilter): Promise<SentSms[]>;
}

/** An e-mail to send (notifications to the address given in the application form). */
export interface EmailMessageInput {
  to: string;
  subject: string;
  text: string;
  /** IIN of the applicant the message is about. */
  iin?: string;
}

/** A sent e-mail as the dev outbox shows it. */
export interface SentEmail extends EmailMessageInput {
  id: number;
  /** Address of the sender. */
  from: string;
  sentAt: Date;
}

/** E-mail gateway (the applicant's optional address receives the notifications the SMS gateway sends). */
export interface EmailGateway {
  send(message: EmailMessageInput): Promise<void>;
  /** Messages sent so far, newest first (simulations only; the dev e-mail outbox endpoint reads it). */
  outbox?(filter?: OutboxFilter): Promise<SentEmail[]>;
}

/** Result of the selfie and liveness check. */
export interface SelfieCheck {
  livenessPassed: boolean;
  /** The selfie matches the registry photo. */
  faceMatches: boolean;
}

/** Digital ID: remote identification (selfie, liveness, document recognition). */
export interface DigitalId {
  checkSelfie(input: {
    iin: string;
    selfie: Uint8Array;
    liveness: { passed: boolean; score: number };
  }): Promise<SelfieCheck>;
  /** Recognises the document photos; `undefined` when nothing could be read. */
  recognizeDocument(input: {
    iin: string;
    type: 'id-card' | 'passport';
    frontImage: Uint8Array;
    backImage?: Uint8Array;
  }): Promise<RecognizedDocument | undefined>;
}

/** All external systems. */
export interface CaProviders {
  persons: PersonRegistry;
  organizations: LegalEntityRegistry;
  mobile: MobileCitizensDb;
  sms: SmsGateway;
  /** E-mail notifications; without it, applications with an e-mail get SMS only. */
  email?: EmailGateway;
  digitalId: DigitalId;
}

/**
 * The dev SMS outbox of the reference CA (`GET /v1/dev/sms-outbox`, dev mode only): where testers
 * and tests read the one-time codes the simulated SMS gateway "sent" from 1414 (the first code and
 * Digital ID's), and the phone number they went to.
 */
import { createCaClient } from './ca-client.js';
import { isKzpkiApiError, KzpkiApiError } from './errors.js';
import { type FetchLike, unwrap } from './http.js';
import type { SmsMessage } from './types.js';
import { sleep } from './wait.js';

/**
 * Which code the flow asks for: `application`, the first one (step 2, opens the applicant
 * session); `digital-id`, the one Digital ID sends to the phone given on its page (step 3).
 */
export type OtpPurpose = 'application' | 'digital-id';

/** What the flow knows when it asks for a one-time code. */
export interface OtpRequest {
  /** The application the code is for. */
  applicationId: string;
  /** Which of the two codes (absent: the first one). `enroll()` always says. */
  purpose?: OtpPurpose;
  /** The applicant's IIN. */
  iin: string;
  /** The masked phone the code went to, e.g. `+7 701 *** ** 33`. */
  sentTo: string;
  /** When the server sent the code (its clock). */
  sentAt: Date;
  /** When the code stops working. */
  expiresAt: Date;
  /** 1 for the first code entered, 2 after a wrong or expired one, ... */
  attempt: number;
}

/** Supplies the one-time code of an application (asks the user, reads an SMS, or the dev outbox). */
export type OtpProvider = (request: OtpRequest) => Promise<string>;

/** What the flow knows when Digital ID asks for the phone number. */
export interface PhoneRequest {
  /** The application. */
  applicationId: string;
  /** The applicant's IIN. */
  iin: string;
  /** The masked number the first code went to, e.g. `+7 701 *** ** 33` (when the flow knows it). */
  firstCodeSentTo?: string;
}

/**
 * Supplies the phone number registered in the Mobile Citizens Database (asks the user, or reads
 * the dev outbox), in `+7` and ten digits.
 */
export type PhoneProvider = (request: PhoneRequest) => Promise<string>;

/** Options of {@link DevSmsOutbox.latestOtp}. */
export interface LatestOtpOptions {
  /** Only codes sent at or after this time (server clock; one second of slack is allowed). */
  sentAt?: Date;
  /** How long to wait for the message to appear (default 10 s). */
  timeoutMs?: number;
  /** Polling interval (default 250 ms). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

/** Reader of the dev SMS outbox. */
export interface DevSmsOutbox {
  /** Messages, newest first, optionally only those to the phone of `iin` or to `phone`. */
  messages(filter?: { iin?: string; phone?: string }): Promise<SmsMessage[]>;
  /**
   * The newest one-time code sent to the phone of `iin`.
   * @throws {KzpkiApiError} `ERR_OTP_UNAVAILABLE` when none arrives in time or the CA has no dev outbox.
   */
  latestOtp(iin: string, options?: LatestOtpOptions): Promise<string>;
  /** An {@link OtpProvider} for `enroll()` that reads each code from the outbox. */
  readonly otp: OtpProvider;
  /**
   * The phone number the codes of `iin` went to (the newest code's recipient): what a tester types
   * on Digital ID's phone page.
   * @throws {KzpkiApiError} `ERR_PHONE_UNAVAILABLE` when no code was sent to the IIN yet or the CA
   *   has no dev outbox.
   */
  registeredPhone(iin: string): Promise<string>;
  /** A {@link PhoneProvider} for `enroll()` that reads the number from the outbox. */
  readonly phone: PhoneProvider;
}

/** Clock slack between the application's record of the code and the outbox message. */
const SENT_AT_SLACK_MS = 1000;

/**
 * Reads the reference CA's dev SMS outbox (only present when the CA runs in dev mode).
 *
 * @example
 * ```ts
 * const outbox = devSmsOutbox('http://127.0.0.1:8080');
 * const result = await enroll({ caUrl, template: 'individual', iin, password, otp: outbox.otp });
 * ```
 */
export function devSmsOutbox(caUrl: string, options: { fetch?: FetchLike } = {}): DevSmsOutbox {
  const ca = createCaClient({ baseUrl: caUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });

  const messages = async (filter: { iin?: string; phone?: string } = {}): Promise<SmsMessage[]> => {
    try {
      const r = await unwrap(ca.GET('/v1/dev/sms-outbox', { params: { query: filter } }));
      return r.messages;
    } catch (e) {
      if (isKzpkiApiError(e, 'ERR_NOT_FOUND')) {
        throw new KzpkiApiError(
          'ERR_OTP_UNAVAILABLE',
          'The CA has no dev SMS outbox (it does not run in dev mode)',
          {
            cause: e,
          },
        );
      }
      throw e;
    }
  };

  const latestOtp = async (iin: string, opts: LatestOtpOptions = {}): Promise<string> => {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    const notBefore = opts.sentAt ? opts.sentAt.getTime() - SENT_AT_SLACK_MS : Number.NEGATIVE_INFINITY;
    for (;;) {
      const list = await messages({ iin });
      const found = list.find(
        (m) => m.kind === 'otp' && m.code !== undefined && new Date(m.sentAt).getTime() >= notBefore,
      );
      if (found?.code) return found.code;
      if (Date.now() >= deadline) {
        throw new KzpkiApiError(
          'ERR_OTP_UNAVAILABLE',
          `No one-time code for IIN ${iin} in the dev SMS outbox`,
        );
      }
      await sleep(opts.pollIntervalMs ?? 250, opts.signal);
    }
  };

  const registeredPhone = async (iin: string): Promise<string> => {
    let list: SmsMessage[];
    try {
      list = await messages({ iin });
    } catch (e) {
      if (!isKzpkiApiError(e, 'ERR_OTP_UNAVAILABLE')) throw e;
      throw new KzpkiApiError('ERR_PHONE_UNAVAILABLE', e.message, { cause: e });
    }
    const found = list.find((m) => m.kind === 'otp');
    if (!found) {
      throw new KzpkiApiError('ERR_PHONE_UNAVAILABLE', `No code was sent to the phone of IIN ${iin} yet`);
    }
    return found.to;
  };

  return {
    messages,
    latestOtp,
    // Codes are told apart by time: Digital ID's is sent after the first one was used.
    otp: (request) => latestOtp(request.iin, { sentAt: request.sentAt }),
    registeredPhone,
    phone: (request) => registeredPhone(request.iin),
  };
}

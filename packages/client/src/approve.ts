/**
 * `approve()`: a first manager (or the person acting for them with signing right) decides the
 * pending applications of their organisation with their AUTH key file (login) and SIGN key file
 * (the signed decision).
 */
import { CabinetSession } from './cabinet.js';
import { KzpkiApiError } from './errors.js';
import type { FetchLike } from './http.js';
import { type OpenedKeyFile, openKeyFile } from './key-files.js';
import type { DecisionResult, PendingApplication } from './types.js';

/** What to do with one pending application. */
export type ApprovalDecision =
  | 'approve'
  | 'reject'
  | 'skip'
  | { decision: 'approve' | 'reject'; comment?: string };

/** Options of {@link approve}. */
export interface ApproveOptions {
  /** Base URL of the CA. */
  caUrl: string;
  /** The approver's AUTH key file (PKCS #12 bytes), used to log in. */
  keyFile: Uint8Array;
  /** Password of `keyFile`. */
  password: string;
  /** The approver's SIGN key file: decisions are signed with it (required unless every decision is `skip`). */
  signKeyFile?: Uint8Array;
  /** Password of `signKeyFile` (default: `password`). */
  signPassword?: string;
  /** Called for each pending application. */
  decide: (application: PendingApplication) => ApprovalDecision | Promise<ApprovalDecision>;
  /** Only these application numbers (default: every application pending for the approver). */
  numbers?: readonly string[];
  fetch?: FetchLike;
}

/** What happened to one application. */
export interface ApprovalOutcome {
  number: string;
  decision: 'approve' | 'reject' | 'skip';
  /** The application as the cabinet showed it. */
  application: PendingApplication;
  /** The CA's record of the decision (absent for `skip`). */
  result?: DecisionResult;
}

/**
 * Logs into the cabinet, offers each pending application to `decide`, signs and sends the
 * decisions, logs out.
 *
 * @throws {KzpkiApiError} `ERR_KEY_FILE_BAD_PASSWORD`, `ERR_KEY_FILE_INVALID`, `ERR_SIGN_KEY_REQUIRED`, or the
 *   CA's refusal (`ERR_APPROVER_NOT_AUTHORIZED`, `ERR_APPROVER_ORGANIZATION_MISMATCH`, ...).
 * @example
 * ```ts
 * const outcomes = await approve({
 *   caUrl,
 *   keyFile: readFileSync('manager/AUTH_RSA256_….p12'),
 *   signKeyFile: readFileSync('manager/RSA256_….p12'),
 *   password: 'Qwerty12',
 *   decide: (app) => (app.template === 'employee' ? 'approve' : 'skip'),
 * });
 * ```
 */
export async function approve(options: ApproveOptions): Promise<ApprovalOutcome[]> {
  if (typeof options?.decide !== 'function') {
    throw new KzpkiApiError('ERR_INVALID_ARGUMENT', 'approve() needs a decide callback');
  }
  const signer: OpenedKeyFile | undefined = options.signKeyFile
    ? await openKeyFile(options.signKeyFile, options.signPassword ?? options.password, 'sign')
    : undefined;
  const session = await CabinetSession.login({
    caUrl: options.caUrl,
    keyFile: options.keyFile,
    password: options.password,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  try {
    const pending = options.numbers
      ? await Promise.all(options.numbers.map((n) => session.application(n)))
      : await session.pending();
    const outcomes: ApprovalOutcome[] = [];
    for (const application of pending) {
      const choice = await options.decide(application);
      const { decision, comment } =
        typeof choice === 'string' ? { decision: choice, comment: undefined } : choice;
      if (decision === 'skip') {
        outcomes.push({ number: application.number, decision, application });
        continue;
      }
      if (!signer) {
        throw new KzpkiApiError(
          'ERR_SIGN_KEY_REQUIRED',
          'Decisions are signed with the SIGN key file: pass signKeyFile',
        );
      }
      const result = await session.decide(application.number, decision, signer, comment);
      outcomes.push({ number: application.number, decision, application, result });
    }
    return outcomes;
  } finally {
    await session.logout().catch(() => undefined);
  }
}

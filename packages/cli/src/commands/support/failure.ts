/**
 * How the service and file commands report a failure: a one-line message with the stable code on
 * stderr (or `{ ok: false, code, message, ... }` on stdout with `--json`), a hint where the
 * next step is not obvious, and exit code 1. Usage errors keep going to `main()` (exit code 2).
 */
import { isKzpkiApiError, type KzpkiApiError } from '@kzpki/client';
import { isPkiError } from '@kzpki/pki';
import type { Command } from 'commander';
import { type Context, EXIT_INVALID, wantsJson, writeJson } from '../../context.js';
import { CliError } from '../../errors.js';

/** A failure as `--json` prints it. */
export interface FailureReport {
  ok: false;
  /** Stable code (`@kzpki/client`, `@kzpki/pki` or the server's). */
  code: string;
  message: string;
  /** HTTP status, for a refusal by a service. */
  status?: number;
  /** What to do next, when there is something to say. */
  hint?: string;
  /** Extra data (violations of a password, the application still waiting, ...). */
  details?: Record<string, unknown>;
}

function hintFor(e: KzpkiApiError): string | undefined {
  switch (e.code) {
    case 'ERR_PHONE_NOT_REGISTERED':
      return 'On the reference CA in dev mode, POST /v1/dev/mobile-registrations {"iin","phone"} stands for the video call that registers the phone.';
    case 'ERR_WAIT_TIMEOUT':
      return e.details.reason === 'moderation'
        ? 'The identification is in the operator moderation queue; an SMS tells the result. Start again after the decision.'
        : 'The application waits for the first manager (approve it with --approver DIR), then enroll again: the keys of this attempt are discarded.';
    case 'ERR_APPLICATION_REJECTED':
      return 'The first manager rejected the application; start a new one after clearing it with them.';
    case 'ERR_IDENTIFICATION_REJECTED':
      return 'The operator rejected the identification documents; start again with a valid identity document.';
    case 'ERR_NETWORK':
      return 'Is the service running? `npx kzpki start` in a kzpki checkout starts the reference CA and status service locally.';
    case 'ERR_OTP_UNAVAILABLE':
      return 'Use --otp stdin and type the code from the SMS, or run the CA in dev mode (KZPKI_DEV_MODE=1).';
    case 'ERR_PHONE_UNAVAILABLE':
      return 'Give --phone with the number registered in the Mobile Citizens Database (+7 and ten digits); a CA in dev mode shows it in its SMS outbox.';
    case 'ERR_DIGITAL_ID_PHONE_MISMATCH':
      return 'Digital ID takes only the phone registered in the Mobile Citizens Database for this IIN (the one the first code went to); check --phone.';
    case 'ERR_TEST_MODE_REQUIRED':
      return 'Expired test keys need a CA in test mode (KZPKI_TEST_MODE=1; `npx kzpki start` enables it).';
    case 'ERR_KEY_FILE_BAD_PASSWORD':
      return 'Check the key-file password (NCA test keys use Qwerty12).';
    default:
      return undefined;
  }
}

/** The report of an error, or `undefined` for errors that are not an expected failure (bugs). */
export function failureReport(e: unknown): FailureReport | undefined {
  if (isKzpkiApiError(e)) {
    const hint = hintFor(e);
    const details: Record<string, unknown> = { ...e.details };
    for (const key of ['attemptsLeft', 'currentStatus', 'retryAfter', 'mismatches', 'errors']) {
      if (e.problem?.[key] !== undefined) details[key] = e.problem[key];
    }
    return {
      ok: false,
      code: e.code,
      message: e.message,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(hint ? { hint } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  }
  if (isPkiError(e)) {
    return {
      ok: false,
      code: e.code,
      message: e.message,
      ...(e.details ? { details: { ...e.details } } : {}),
    };
  }
  return undefined;
}

/**
 * Reports `e` and sets exit code 1; rethrows usage errors and unexpected errors (`main()` turns
 * those into exit code 2 or a crash report).
 */
export function reportFailure(ctx: Context, command: Command, e: unknown): void {
  if (e instanceof CliError) throw e;
  const report = failureReport(e);
  if (!report) throw e;
  ctx.exitCode = EXIT_INVALID;
  if (wantsJson(command)) {
    writeJson(ctx.io, report);
    return;
  }
  ctx.io.stderr(`kzpki: ${report.message} [${report.code}]\n`);
  const violations = report.details?.violations;
  if (Array.isArray(violations)) {
    for (const v of violations as Array<{ message?: string; code?: string }>) {
      ctx.io.stderr(`  - ${v.message ?? ''} [${v.code ?? ''}]\n`);
    }
  }
  if (report.hint) ctx.io.stderr(`  ${report.hint}\n`);
}

/** Runs a command body, reporting expected failures with {@link reportFailure}. */
export async function guarded(ctx: Context, command: Command, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    reportFailure(ctx, command, e);
  }
}

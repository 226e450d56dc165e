/**
 * Progress events of `enroll()`: one per step of the remote issuance flow (docs/domain.md, Remote issuance for individuals), plus
 * waiting events while the flow depends on someone else (an approver, an operator, a rate limit).
 */
import type { ApplicationStatus } from './types.js';

/** The steps of `enroll()`, in order. */
export const ENROLL_STEPS = [
  'start',
  'otp',
  'digital-id-phone',
  'identification',
  'consent',
  'agreement',
  'keys',
  'submission',
  'approval',
  'issuance',
  'key-files',
  'installation',
] as const;

/** One step of `enroll()`. */
export type EnrollStep = (typeof ENROLL_STEPS)[number];

/** Why the flow is waiting. */
export type WaitReason = 'approval' | 'moderation' | 'rate-limit' | 'otp-resend';

/** A progress event of `enroll()`. */
export interface EnrollProgress {
  /** The step now running (`done` once everything finished). */
  step: EnrollStep | 'done';
  /** 0-based position of the step in {@link ENROLL_STEPS} (= `total` when done). */
  index: number;
  /** Number of steps. */
  total: number;
  /** What is happening, in English, for logs and progress displays. */
  message: string;
  /** The application's id, number and status so far. */
  application?: { id: string; number?: string; status: ApplicationStatus };
  /** Set while the flow waits for someone else. */
  waiting?: { reason: WaitReason; retryAfterSeconds?: number };
}

/** The event for `step` (its index and the step count filled in). */
export function progressEvent(
  step: EnrollStep | 'done',
  message: string,
  extra: Pick<EnrollProgress, 'application' | 'waiting'> = {},
): EnrollProgress {
  const index = step === 'done' ? ENROLL_STEPS.length : ENROLL_STEPS.indexOf(step);
  return { step, index, total: ENROLL_STEPS.length, message, ...extra };
}

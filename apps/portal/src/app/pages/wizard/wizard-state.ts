/**
 * What the wizard carries from screen to screen, which screen fits what the CA says about the
 * application, and which screens may be shown again (browser Back and Forward).
 */
import type {
  Application,
  ApplicationKind,
  ApplicationStatus,
  RecognizedDocument,
  TemplateName,
} from '../../api/types.js';
import type { Picture } from '../../media/images.js';
import type { LivenessResult } from '../../media/liveness.js';
import type { VaultEntry } from '../../storage/key-vault.js';

/** Screens of the wizard, in flow order. */
export type WizardStep =
  | 'start'
  | 'otp'
  | 'not-in-bmg'
  | 'digital-id-phone'
  | 'digital-id'
  | 'confirm-document'
  | 'moderation'
  | 'consent'
  | 'agreement'
  | 'application-form'
  | 'submitted';

/** The screens of "Создать Digital ID", in order. */
export const DIGITAL_ID_SCREENS = ['intro', 'selfie', 'liveness', 'pin', 'document'] as const;

/** A screen of "Создать Digital ID". */
export type DigitalIdScreen = (typeof DIGITAL_ID_SCREENS)[number];

/** Where the wizard is: a screen, and inside Digital ID which of its screens. */
export interface WizardPlace {
  step: WizardStep;
  sub?: DigitalIdScreen;
}

/** The applicant session after the one-time code. */
export interface ApplicantAuth {
  token: string;
  expiresAt: string;
}

/** When the current one-time code expires and when a new one may be asked for (this browser's clock, ms). */
export interface OtpClock {
  expiresAt: number;
  resendAt: number;
}

/** What Digital ID has gathered on this page (kept in memory only: pictures are not stored). */
export interface DigitalIdData {
  selfie?: Picture;
  liveness?: LivenessResult;
  pin?: string;
}

/** Data gathered so far. */
export interface WizardData {
  kind: ApplicationKind;
  template: TemplateName;
  iin: string;
  bin: string;
  /** The number given on Digital ID's phone page (a new code is sent to it). */
  didPhone?: string;
  /** Why the Mobile Citizens Database screen is shown. */
  bmgReason?: 'not-registered' | 'no-code';
  app?: Application;
  otpClock?: OtpClock;
  auth?: ApplicantAuth;
  recognized?: RecognizedDocument;
  did?: DigitalIdData;
  entry?: VaultEntry;
}

/** Stage of the NCA page (1-4) a screen belongs to. */
export function stageOf(step: WizardStep): 1 | 2 | 3 | 4 {
  switch (step) {
    case 'start':
    case 'otp':
    case 'not-in-bmg':
      return 1;
    case 'digital-id-phone':
    case 'digital-id':
    case 'confirm-document':
    case 'moderation':
    case 'consent':
      return 2;
    case 'agreement':
    case 'application-form':
      return 3;
    case 'submitted':
      return 4;
  }
}

const SUBMITTED: ReadonlySet<ApplicationStatus> = new Set([
  'awaiting-approval',
  'approved',
  'submitted',
  'rejected',
  'issued',
  'installed',
  'revoked',
]);

/**
 * The screen that continues an application in `status` (after a reload, or after the CA moved
 * it on); `undefined` for an expired application, which cannot be continued.
 */
export function placeForStatus(status: ApplicationStatus, hasRecognized: boolean): WizardPlace | undefined {
  switch (status) {
    case 'otp-sent':
      return { step: 'otp' };
    case 'phone-verified':
    case 'digital-id-code-sent':
      return { step: 'digital-id-phone' };
    case 'digital-id-phone-verified':
      return { step: 'digital-id', sub: 'intro' };
    case 'document-recognized':
      // The recognised data is shown again when this tab kept it; otherwise Digital ID is redone.
      return hasRecognized ? { step: 'confirm-document' } : { step: 'digital-id', sub: 'intro' };
    case 'moderation':
    case 'identification-rejected':
      return { step: 'moderation' };
    case 'identified':
      return { step: 'consent' };
    case 'consent-given':
      return { step: 'agreement' };
    case 'agreement-accepted':
      return { step: 'application-form' };
    case 'expired':
      return undefined;
    default:
      return SUBMITTED.has(status) ? { step: 'submitted' } : undefined;
  }
}

/**
 * Whether `place` can be shown now. Screens before the one-time code is verified can be
 * revisited (a new start is a new application); Digital ID's screens can be stepped through
 * while their inputs exist; every later screen only while the CA's status is the one it serves.
 */
export function reachable(place: WizardPlace, d: WizardData): boolean {
  const status = d.app?.status;
  switch (place.step) {
    case 'start':
    case 'not-in-bmg':
      return d.auth === undefined;
    case 'otp':
      return d.auth === undefined && status === 'otp-sent';
    case 'digital-id-phone':
      return d.auth !== undefined && (status === 'phone-verified' || status === 'digital-id-code-sent');
    case 'digital-id': {
      if (!d.auth || (status !== 'digital-id-phone-verified' && status !== 'document-recognized'))
        return false;
      const did = d.did ?? {};
      switch (place.sub ?? 'intro') {
        case 'intro':
        case 'selfie':
          return true;
        case 'liveness':
          return did.selfie !== undefined;
        case 'pin':
          return did.selfie !== undefined && did.liveness !== undefined;
        case 'document':
          return did.selfie !== undefined && did.liveness !== undefined && did.pin !== undefined;
      }
      return false;
    }
    case 'confirm-document':
      return status === 'document-recognized' && d.recognized !== undefined;
    case 'moderation':
      return status === 'moderation' || status === 'identification-rejected';
    case 'consent':
      return status === 'identified';
    case 'agreement':
      return status === 'consent-given';
    case 'application-form':
      return status === 'agreement-accepted';
    case 'submitted':
      return status !== undefined && SUBMITTED.has(status);
  }
}

/** `true` while leaving would interrupt an application (or a filled-in start form). */
export function inProgress(place: WizardPlace, d: WizardData): boolean {
  if (place.step === 'submitted') return false;
  if (place.step === 'start' || place.step === 'not-in-bmg') return d.iin !== '' || d.app !== undefined;
  return true;
}

/**
 * The wizard's progress for this browser tab (sessionStorage): the choices, the application as
 * the CA last described it, the applicant session token and the recognised document, so a reload,
 * a closed-and-reopened tab or a visit to another page continues where the applicant was. The
 * screen is then chosen from what the CA says now (`placeForStatus`). Pictures and PINs are never
 * stored; the private keys are in IndexedDB (`key-vault.ts`).
 */
import type { Application, RecognizedDocument } from '../api/types.js';
import {
  type ApplicantAuth,
  DIGITAL_ID_SCREENS,
  type OtpClock,
  type WizardData,
  type WizardPlace,
  type WizardStep,
} from '../pages/wizard/wizard-state.js';

const KEY = 'kzpki-portal-wizard';
const VERSION = 1;

/** What is kept. */
export interface SavedWizard {
  place: WizardPlace;
  data: Pick<
    WizardData,
    'kind' | 'template' | 'iin' | 'bin' | 'bmgReason' | 'app' | 'otpClock' | 'auth' | 'recognized'
  >;
}

const STEPS: ReadonlySet<WizardStep> = new Set([
  'start',
  'otp',
  'not-in-bmg',
  'digital-id',
  'confirm-document',
  'moderation',
  'consent',
  'agreement',
  'application-form',
  'submitted',
]);

function defaultStorage(): Storage | undefined {
  try {
    return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';

/** Saves the progress (errors of a full or disabled storage are ignored: nothing is then resumed). */
export function saveWizard(saved: SavedWizard, storage = defaultStorage()): void {
  const { place, data } = saved;
  const keep = {
    v: VERSION,
    place: place.sub ? { step: place.step, sub: place.sub } : { step: place.step },
    data: {
      kind: data.kind,
      template: data.template,
      iin: data.iin,
      bin: data.bin,
      ...(data.bmgReason ? { bmgReason: data.bmgReason } : {}),
      ...(data.app ? { app: data.app } : {}),
      ...(data.otpClock ? { otpClock: data.otpClock } : {}),
      ...(data.auth ? { auth: data.auth } : {}),
      ...(data.recognized ? { recognized: data.recognized } : {}),
    },
  };
  try {
    storage?.setItem(KEY, JSON.stringify(keep));
  } catch {
    // Not kept; the wizard still works in this page.
  }
}

/** The saved progress, or `undefined` when there is none or it is not in the expected shape. */
export function loadWizard(storage = defaultStorage()): SavedWizard | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(KEY) ?? 'null');
  } catch {
    return undefined;
  }
  if (!isObject(raw) || raw.v !== VERSION || !isObject(raw.place) || !isObject(raw.data)) return undefined;
  const step = raw.place.step;
  const sub = raw.place.sub;
  if (!isString(step) || !STEPS.has(step as WizardStep)) return undefined;
  if (sub !== undefined && !(DIGITAL_ID_SCREENS as readonly unknown[]).includes(sub)) return undefined;
  const d = raw.data;
  if (d.kind !== 'individual' && d.kind !== 'legal-entity') return undefined;
  if (!isString(d.template) || !isString(d.iin) || !isString(d.bin)) return undefined;
  const auth = d.auth;
  if (auth !== undefined && !(isObject(auth) && isString(auth.token) && isString(auth.expiresAt)))
    return undefined;
  const app = d.app;
  if (app !== undefined && !(isObject(app) && isString(app.id) && isString(app.status))) return undefined;
  const clock = d.otpClock;
  if (
    clock !== undefined &&
    !(isObject(clock) && typeof clock.expiresAt === 'number' && typeof clock.resendAt === 'number')
  )
    return undefined;
  return {
    place: sub ? { step: step as WizardStep, sub: sub as WizardPlace['sub'] } : { step: step as WizardStep },
    data: {
      kind: d.kind,
      template: d.template as WizardData['template'],
      iin: d.iin,
      bin: d.bin,
      ...(d.bmgReason === 'not-registered' || d.bmgReason === 'no-code' ? { bmgReason: d.bmgReason } : {}),
      ...(app ? { app: app as unknown as Application } : {}),
      ...(clock ? { otpClock: clock as unknown as OtpClock } : {}),
      ...(auth ? { auth: auth as unknown as ApplicantAuth } : {}),
      ...(isObject(d.recognized) ? { recognized: d.recognized as unknown as RecognizedDocument } : {}),
    },
  };
}

/** Forgets the progress (a finished or abandoned application). */
export function clearWizard(storage = defaultStorage()): void {
  try {
    storage?.removeItem(KEY);
  } catch {
    // Nothing to clear.
  }
}

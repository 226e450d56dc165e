/**
 * What the wizard carries from screen to screen.
 */
import type { Application, ApplicationKind, RecognizedDocument, TemplateName } from '../../api/types.js';
import type { VaultEntry } from '../../storage/key-vault.js';

/** Screens of the wizard, in flow order. */
export type WizardStep =
  | 'start'
  | 'otp'
  | 'not-in-bmg'
  | 'digital-id'
  | 'confirm-document'
  | 'moderation'
  | 'consent'
  | 'agreement'
  | 'application-form'
  | 'submitted';

/** The applicant session after the one-time code. */
export interface ApplicantAuth {
  token: string;
  expiresAt: string;
}

/** Data gathered so far. */
export interface WizardData {
  kind: ApplicationKind;
  template: TemplateName;
  iin: string;
  bin: string;
  app?: Application;
  auth?: ApplicantAuth;
  recognized?: RecognizedDocument;
  entry?: VaultEntry;
}

/** Stage of the NCA page (1-4) a screen belongs to. */
export function stageOf(step: WizardStep): 1 | 2 | 3 | 4 {
  switch (step) {
    case 'start':
    case 'otp':
    case 'not-in-bmg':
      return 1;
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

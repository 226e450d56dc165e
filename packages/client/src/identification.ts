/**
 * Inputs of the (simulated) Digital ID identification: what a real Digital ID client collects
 * with the camera (selfie, video liveness, photos of the identity document) and the PIN the
 * user sets. The reference CA's simulation recognises the document of the demo person whose IIN
 * applies; images only need to be non-empty.
 */
import { randomBytes } from '@kzpki/pki';

/** Identity document types Digital ID reads. */
export type IdentityDocumentType = 'id-card' | 'passport';

/** What the identification step sends. */
export interface IdentificationInput {
  /** Selfie (JPEG or PNG bytes). */
  selfie: Uint8Array;
  /** Result of the video liveness check. */
  liveness: { passed: boolean; score: number };
  /** Photos of the identity document. */
  document: { type: IdentityDocumentType; frontImage: Uint8Array; backImage?: Uint8Array };
  /** Digital ID PIN (4 to 8 digits, not all equal, not a straight run); confirms the consent later. */
  pin: string;
}

/** A tiny JPEG-looking image (SOI + APP0 marker + text): what the simulation needs. */
function placeholderImage(label: string): Uint8Array {
  const header = [0xff, 0xd8, 0xff, 0xe0];
  return new Uint8Array([...header, ...new TextEncoder().encode(`kzpki simulated ${label}`)]);
}

/** `true` for PINs the CA refuses: all one digit, or a straight ascending/descending run. */
export function isSimplePin(pin: string): boolean {
  if (new Set(pin).size === 1) return true;
  const d = [...pin].map(Number);
  const step = (d[1] ?? 0) - (d[0] ?? 0);
  return (step === 1 || step === -1) && d.every((v, i) => i === 0 || v - (d[i - 1] ?? 0) === step);
}

/** A random 6-digit PIN that is not simple, from the CSPRNG. */
export function randomPin(): string {
  for (;;) {
    const digits = [...randomBytes(12)].filter((b) => b < 250).map((b) => b % 10);
    if (digits.length < 6) continue;
    const pin = digits.slice(0, 6).join('');
    if (!isSimplePin(pin)) return pin;
  }
}

/**
 * Identification inputs for the reference CA's simulated Digital ID: placeholder images, a passed
 * liveness check, a random PIN.
 *
 * @example
 * ```ts
 * const identification = simulatedIdentification({ document: 'passport' });
 * ```
 */
export function simulatedIdentification(
  options: { document?: IdentityDocumentType; pin?: string } = {},
): IdentificationInput {
  return {
    selfie: placeholderImage('selfie'),
    liveness: { passed: true, score: 0.97 },
    document: {
      type: options.document ?? 'id-card',
      frontImage: placeholderImage('document front'),
      backImage: placeholderImage('document back'),
    },
    pin: options.pin ?? randomPin(),
  };
}

/**
 * A rough strength estimate, for a meter next to the password field. Informative only: the NCA
 * rule ({@link checkPassword}) decides whether a password is accepted, never this estimate.
 *
 * Model: length × log2(size of the character pool the password draws from), where a character
 * that repeats the previous one, continues a run of neighbours (`abc`, `321`) or continues a
 * repeated chunk of up to 4 characters (`a1a1`, `xyz!xyz!`) adds 1 bit instead, and a password from a short list of the most common ones (compared case-insensitively) is worth
 * almost nothing. It does not know dictionaries, keyboard walks or personal data, so it
 * overestimates passwords made of words.
 */

/** Coarse strength bands, by estimated entropy: < 28, < 36, < 60, < 128, ≥ 128 bits. */
export type StrengthLabel = 'very-weak' | 'weak' | 'fair' | 'strong' | 'very-strong';

/** What {@link estimateStrength} says. */
export interface StrengthEstimate {
  /** Estimated entropy in bits, rounded to one decimal. */
  readonly bits: number;
  readonly label: StrengthLabel;
}

// Common passwords that pass the NCA rule (or nearly), lower-cased; the first is the NCA test password.
const COMMON = new Set([
  'qwerty12',
  'qwerty123',
  'qwerty1',
  'password1',
  'password123',
  'abc123',
  'abcd1234',
  'a123456',
  '123456a',
  '1q2w3e',
  '1q2w3e4r',
  '1q2w3e4r5t',
  'qwe123',
  'zaq12wsx',
  'qazwsx123',
  'test123',
  'admin123',
  'p@ssw0rd',
  'passw0rd',
  'iloveyou1',
]);

/** Pool sizes of the groups a character can come from. */
function poolOf(code: number): [group: number, size: number] {
  if (code >= 0x61 && code <= 0x7a) return [0, 26];
  if (code >= 0x41 && code <= 0x5a) return [1, 26];
  if (code >= 0x30 && code <= 0x39) return [2, 10];
  if (code < 0x80) return [3, 33]; // ASCII punctuation and space
  if (code >= 0x400 && code <= 0x4ff) return [4, 66]; // Cyrillic, both cases
  return [5, 100]; // anything else: a modest guess
}

/** Whether character `i` follows from the ones before it: a repeat, a run, or a repeated chunk. */
function predictable(codes: number[], i: number): boolean {
  const prev = codes[i - 1];
  if (prev === undefined) return false;
  if (Math.abs((codes[i] as number) - prev) <= 1) return true;
  for (let period = 2; period <= 4 && i - 1 - period >= 0; period++)
    if (codes[i] === codes[i - period] && prev === codes[i - 1 - period]) return true;
  return false;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function labelOf(bits: number): StrengthLabel {
  if (bits < 28) return 'very-weak';
  if (bits < 36) return 'weak';
  if (bits < 60) return 'fair';
  if (bits < 128) return 'strong';
  return 'very-strong';
}

/**
 * Estimates a password's strength in bits of entropy with a label.
 *
 * @example
 * ```ts
 * estimateStrength('Qwerty12'); // { bits: 2, label: 'very-weak' } (a very common password)
 * estimateStrength('q7V(b#k2Xm=pE.9t').label; // 'strong'
 * ```
 */
export function estimateStrength(password: string): StrengthEstimate {
  if (typeof password !== 'string' || password.length === 0) return { bits: 0, label: 'very-weak' };
  if (COMMON.has(password.toLowerCase())) return { bits: 2, label: 'very-weak' };
  const codes = Array.from(password, (c) => c.codePointAt(0) as number);
  const groups = new Map<number, number>();
  for (const code of codes) {
    const [group, size] = poolOf(code);
    groups.set(group, size);
  }
  let pool = 0;
  for (const size of groups.values()) pool += size;
  const perChar = Math.log2(pool);
  let bits = 0;
  for (let i = 0; i < codes.length; i++) bits += predictable(codes, i) ? 1 : perChar;
  return { bits: round1(bits), label: labelOf(bits) };
}

/**
 * Compliant passwords from a CSPRNG. Every character is drawn uniformly from the 78 the rule
 * allows (26 lower-case, 26 upper-case, 10 digits, 16 specials), by rejection sampling of random
 * bytes (a byte ≥ 234 = 3·78 is dropped, so `byte % 78` is unbiased). A draw that lacks a required
 * group (lower-case letter, digit) is thrown away whole, which keeps the result uniform over all
 * compliant passwords of the length; even at length 6 about half the draws qualify.
 */
import { PasswordPolicyError } from './errors.js';
import { PASSWORD_POLICY } from './policy.js';

/** A source of cryptographically secure random bytes (`globalThis.crypto` fits). */
export interface RandomSource {
  getRandomValues(array: Uint8Array): unknown;
}

/** Options of {@link generatePassword}. */
export interface GeneratePasswordOptions {
  /** Length in characters, 6 to 32. Default 16. */
  length?: number;
  /** The CSPRNG. Default `globalThis.crypto` (WebCrypto, Node 20+ and browsers). */
  random?: RandomSource;
}

const { lowercase, uppercase, digit, special } = PASSWORD_POLICY.groups;
/** The 78 characters generated passwords draw from, in index order. @internal */
export const ALPHABET = lowercase + uppercase + digit + special;

/**
 * A random password the NCA rule accepts.
 *
 * @example
 * ```ts
 * generatePassword(); // e.g. 'q7V(b#k2Xm=pE.9t'
 * generatePassword({ length: 32 });
 * ```
 * @throws {PasswordPolicyError} `ERR_INVALID_LENGTH` outside 6..32, `ERR_RANDOM_UNAVAILABLE` without a CSPRNG.
 */
export function generatePassword(options: GeneratePasswordOptions = {}): string {
  const length = options.length ?? 16;
  const { minLength: min, maxLength: max } = PASSWORD_POLICY;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < min || length > max)
    throw new PasswordPolicyError('ERR_INVALID_LENGTH', { length: String(length), min, max });
  const random = options.random ?? (globalThis as { crypto?: RandomSource }).crypto;
  if (typeof random?.getRandomValues !== 'function') throw new PasswordPolicyError('ERR_RANDOM_UNAVAILABLE');

  const sampler = createIndexSampler(random, ALPHABET.length);
  try {
    for (;;) {
      let password = '';
      for (let i = 0; i < length; i++) password += ALPHABET[sampler.next()];
      if (/[a-z]/.test(password) && /[0-9]/.test(password)) return password;
    }
  } finally {
    sampler.wipe();
  }
}

/**
 * Uniform indexes in `[0, n)` (n ≤ 256) from random bytes by rejection sampling: bytes at or above
 * the largest multiple of `n` that fits in a byte are dropped, the rest taken mod `n`.
 * @internal
 */
export function createIndexSampler(random: RandomSource, n: number): { next(): number; wipe(): void } {
  const limit = 256 - (256 % n);
  const buffer = new Uint8Array(64);
  let available = 0;
  return {
    next(): number {
      for (;;) {
        if (available === 0) {
          random.getRandomValues(buffer);
          available = buffer.length;
        }
        const byte = buffer[--available] as number;
        if (byte < limit) return byte % n;
      }
    },
    wipe(): void {
      buffer.fill(0); // the bytes a password was drawn from are not left lying around
      available = 0;
    },
  };
}

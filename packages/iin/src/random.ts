/**
 * A small seeded pseudo-random generator for test data (mulberry32: 32-bit state, passes the
 * common statistical batteries for this use). Not for secrets: generated IINs/BINs are public
 * test identifiers, and a seed must reproduce them on every platform.
 * @internal
 */
import { IinError } from './errors.js';

/** A source of uniformly distributed integers. @internal */
export interface Random {
  /** A uniform integer in `[0, n)`, `n` ≤ 2^32. */
  int(n: number): number;
}

/** FNV-1a over the UTF-16 code units: turns a text seed into 32 bits. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** 32 bits of seed from a number, a string, or (no seed) the platform CSPRNG. */
function seedBits(seed: number | string | undefined): number {
  if (typeof seed === 'string') return hashText(seed);
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed))
      throw new IinError('ERR_INVALID_OPTION', {
        option: 'seed',
        reason: 'must be a safe integer or a string',
      });
    // Fold the high bits in so seeds differing above bit 31 differ.
    return (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0;
  }
  if (seed !== undefined)
    throw new IinError('ERR_INVALID_OPTION', {
      option: 'seed',
      reason: 'must be a safe integer or a string',
    });
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

/** A generator seeded from `seed`; the same seed gives the same sequence. @internal */
export function createRandom(seed?: number | string): Random {
  let state = seedBits(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    int(n: number): number {
      // Rejection sampling: drop the top partial block of 2^32 so every residue is equally likely.
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
      let x = next();
      while (x >= limit) x = next();
      return x % n;
    },
  };
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHABET, createIndexSampler } from '../src/generate.js';
import { checkPassword, generatePassword, isPasswordPolicyError, type RandomSource } from '../src/index.js';

/** A RandomSource replaying fixed buffers; consumed from the end of each buffer, as the sampler does. */
function replay(...buffers: number[][]): RandomSource & { calls: number } {
  const source = {
    calls: 0,
    getRandomValues(array: Uint8Array) {
      const next = buffers[source.calls++];
      if (!next) throw new Error('replay exhausted');
      array.fill(0);
      array.set(next.slice(0, array.length));
      return array;
    },
  };
  return source;
}

describe('generatePassword', () => {
  it('property: every generated password passes the rule and has the requested length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 32 }), (length) => {
        const pw = generatePassword({ length });
        expect(checkPassword(pw)).toEqual({ ok: true, violations: [] });
        expect(pw).toHaveLength(length);
      }),
      { numRuns: 500 },
    );
  });

  it('is 16 characters by default and draws from the whole alphabet', () => {
    expect(generatePassword()).toHaveLength(16);
    const seen = new Set([...Array.from({ length: 200 }, () => generatePassword({ length: 32 })).join('')]);
    expect([...seen].every((c) => ALPHABET.includes(c))).toBe(true);
    // 6400 draws over 78 characters: every character shows up (miss probability < 1e-30).
    expect(seen.size).toBe(78);
  });

  it('the alphabet is exactly the 78 characters the rule allows', () => {
    expect(ALPHABET).toHaveLength(78);
    expect(new Set(ALPHABET).size).toBe(78);
    expect(ALPHABET).toBe(`abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#$^+=!*()@%&_?-.`);
  });

  it('drops bytes ≥ 234 and redraws a password lacking a lower-case letter or digit as a whole', () => {
    // Buffers are read from the end. Buffer 1: six 26s ('A') make 'AAAAAA', rejected (no lower-case,
    // no digit); then 58 bytes of 255, all dropped. Buffer 2: 58 × 255 dropped after 0,52,0,52,0,52.
    const source = replay(
      [...Array(58).fill(255), ...Array(6).fill(26)],
      [...Array(58).fill(255), 52, 0, 52, 0, 52, 0],
    );
    expect(generatePassword({ length: 6, random: source })).toBe('a0a0a0');
    expect(source.calls).toBe(2);
  });

  it.each([5, 33, 0, -1, 6.5, Number.NaN, '16'])('ERR_INVALID_LENGTH for length %j', (length) => {
    try {
      generatePassword({ length: length as number });
      expect.unreachable();
    } catch (e) {
      expect(isPasswordPolicyError(e, 'ERR_INVALID_LENGTH')).toBe(true);
    }
  });

  it('ERR_RANDOM_UNAVAILABLE without a CSPRNG', () => {
    expect(() => generatePassword({ random: {} as RandomSource })).toThrow(
      expect.objectContaining({ code: 'ERR_RANDOM_UNAVAILABLE' }),
    );
  });
});

describe('createIndexSampler: rejection sampling is exactly uniform', () => {
  it('maps each of the 256 byte values: 3 per index below 234, none at or above', () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    // Four 64-byte buffers holding 0..255 once; the sampler reads each from the end.
    const source = replay(all.slice(0, 64), all.slice(64, 128), all.slice(128, 192), all.slice(192, 256));
    const sampler = createIndexSampler(source, 78);
    const counts = new Array(78).fill(0);
    for (let i = 0; i < 234; i++) counts[sampler.next()]++;
    expect(counts.every((c) => c === 3)).toBe(true);
    expect(source.calls).toBe(4); // the 22 bytes ≥ 234 were skipped, not mapped
    expect(() => sampler.next()).toThrow('replay exhausted');
  });

  it('skips rejected bytes: 255 and 234 dropped, 233 → 77, 78 → 0', () => {
    // The buffer is [78, 233, 234, 255, 0 × 60], read from the end.
    const sampler = createIndexSampler(replay([78, 233, 234, 255]), 78);
    for (let i = 0; i < 60; i++) expect(sampler.next()).toBe(0);
    expect(sampler.next()).toBe(77);
    expect(sampler.next()).toBe(0);
    expect(() => sampler.next()).toThrow('replay exhausted');
  });

  it('wipe() zeroes the buffered bytes', () => {
    const seen: Uint8Array[] = [];
    const sampler = createIndexSampler(
      {
        getRandomValues(a: Uint8Array) {
          a.fill(7);
          seen.push(a);
          return a;
        },
      },
      78,
    );
    expect(sampler.next()).toBe(7);
    sampler.wipe();
    expect(seen[0]?.every((b) => b === 0)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { estimateStrength, generatePassword } from '../src/index.js';

describe('estimateStrength', () => {
  it('is zero for nothing and near zero for the most common passwords, in any case', () => {
    expect(estimateStrength('')).toEqual({ bits: 0, label: 'very-weak' });
    expect(estimateStrength('Qwerty12')).toEqual({ bits: 2, label: 'very-weak' });
    expect(estimateStrength('P@SSW0RD').label).toBe('very-weak');
  });

  it('is length × log2(pool) for a password with no predictable characters', () => {
    // Lower-case + digits: pool 36, 8 characters, no repeats or runs.
    expect(estimateStrength('k3x9q7m2').bits).toBeCloseTo(8 * Math.log2(36), 1);
    // All four NCA groups: 26 + 26 + 10 + 33 (ASCII punctuation).
    expect(estimateStrength('k3X(q7M!').bits).toBeCloseTo(8 * Math.log2(95), 1);
  });

  it('gives repeats, runs and repeated chunks 1 bit each', () => {
    expect(estimateStrength('aaaaaaa1').bits).toBeLessThan(estimateStrength('akqzmwx1').bits);
    expect(estimateStrength('abcdef12').bits).toBeCloseTo(Math.log2(36) + 5 + Math.log2(36) + 1, 1);
    expect(estimateStrength('a1a1a1a1a1a1').bits).toBeCloseTo(3 * Math.log2(36) + 9, 1);
  });

  it('labels by bands 28/36/60/128 bits', () => {
    expect(estimateStrength('k3x9q').label).toBe('very-weak'); // 25.8
    expect(estimateStrength('k3x9q7').label).toBe('weak'); // 31.0
    expect(estimateStrength('k3x9q7m2').label).toBe('fair'); // 41.4
    expect(estimateStrength(generatePassword({ length: 16 })).label).not.toMatch(/weak/);
    expect(estimateStrength('k3X(q7M!zR2#w9').label).toBe('strong'); // 14 × log2(95) = 92.0
    expect(estimateStrength('k3x9q7m2wz5rt8vb4nc6hy1ps0gjf3ld').label).toBe('very-strong'); // 32 × log2(36) = 165.4
  });
});

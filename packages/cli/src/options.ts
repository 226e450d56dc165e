/**
 * Parsers for option values shared by command groups. They throw commander's
 * `InvalidArgumentError`, which commander reports as a usage error (exit code 2).
 */
import { InvalidArgumentError } from 'commander';

/** A whole number in `[min, max]`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

/**
 * A seed: digits become a number (so `--seed 42` equals `{ seed: 42 }` in the SDK), anything
 * else stays text.
 */
export function parseSeed(value: string): number | string {
  if (/^-?\d+$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  return value;
}

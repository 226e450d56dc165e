/**
 * Application numbers: 14 digits like the NCA's (e.g. 73717378150611, 27888601100404), drawn at
 * random (CSPRNG, the first digit non-zero, 9·10^13 values) so that numbers cannot be guessed in
 * sequence. The NCA's numbers carry no check digit (a real one fails the Luhn check), so any 14
 * digits are looked up and an unknown number is simply not found.
 */
import { randomInt } from 'node:crypto';

/** A fresh random application number. */
export function generateApplicationNumber(): string {
  let number = String(randomInt(1, 10));
  for (let i = 0; i < 13; i++) number += String(randomInt(0, 10));
  return number;
}

/** `true` for an application number's shape: 14 digits (no check digit, as the NCA's). */
export function isValidApplicationNumber(value: string): boolean {
  return /^[0-9]{14}$/.test(value);
}

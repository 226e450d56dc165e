/**
 * Application numbers: 14 digits like the NCA's (e.g. 27888601100404), but drawn at random (13
 * CSPRNG digits, the first non-zero, ~9·10^12 values) so that numbers cannot be guessed in
 * sequence, plus a Luhn check digit that catches typing errors before any lookup.
 */
import { randomInt } from 'node:crypto';

/** Luhn check digit of a digit string. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** A fresh random application number. */
export function generateApplicationNumber(): string {
  let body = String(randomInt(1, 10));
  for (let i = 0; i < 12; i++) body += String(randomInt(0, 10));
  return body + String(luhnCheckDigit(body));
}

/** `true` for 14 digits with a valid Luhn check digit. */
export function isValidApplicationNumber(value: string): boolean {
  return /^[0-9]{14}$/.test(value) && luhnCheckDigit(value.slice(0, 13)) === Number(value[13]);
}

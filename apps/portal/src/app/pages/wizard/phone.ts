/**
 * Kazakhstan mobile numbers as people type them: `+7 777 123 45 67`, `8 (777) 123-45-67`,
 * `87771234567`, `7771234567`. The API takes `+7` and ten digits (ca.yaml `Phone`).
 */

/**
 * The number in the API's form, or `undefined` when it is not a Kazakhstan number.
 *
 * @example
 * ```ts
 * normalizePhone('8 777 123 45 67'); // '+77771234567'
 * normalizePhone('+7 (777) 123-45-67'); // '+77771234567'
 * normalizePhone('12345'); // undefined
 * ```
 */
export function normalizePhone(input: string): string | undefined {
  const trimmed = input.trim();
  // Only digits, spaces, dashes, dots, brackets and one leading plus are part of a written number.
  if (!/^\+?[\d\s\-().]*$/.test(trimmed)) return undefined;
  const plus = trimmed.startsWith('+');
  const digits = trimmed.replace(/\D/g, '');
  let national: string | undefined;
  if (plus) national = digits.length === 11 && digits.startsWith('7') ? digits.slice(1) : undefined;
  else if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7')))
    national = digits.slice(1);
  else if (digits.length === 10) national = digits;
  return national && /^\d{10}$/.test(national) ? `+7${national}` : undefined;
}

/** `+7 777 123 45 67`, for showing a normalised number back. */
export function formatPhone(e164: string): string {
  const d = e164.replace(/^\+7/, '');
  return `+7 ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6, 8)} ${d.slice(8, 10)}`;
}

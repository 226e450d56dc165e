/**
 * An independent, deliberately plain reading of docs/domain.md (Identifiers: IIN and BIN), written apart from src/ so the
 * property tests compare two implementations instead of one with itself.
 */
const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** Both weighted sums mod 11 of the first 11 digits. */
export function passes(digits: string): { first: number; second: number } {
  const d = [...digits.slice(0, 11)].map(Number);
  const weighted = (w: number[]) => d.reduce((sum, x, i) => sum + x * (w[i] as number), 0) % 11;
  return { first: weighted(W1), second: weighted(W2) };
}

/** The check digit per the rule, or null when never issued. */
export function referenceCheckDigit(digits: string): number | null {
  const { first, second } = passes(digits);
  if (first !== 10) return first;
  return second !== 10 ? second : null;
}

function realDate(year: number, month: number, day: number): boolean {
  const t = new Date(Date.UTC(year, month - 1, day));
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day;
}

/** The whole IIN rule on a plain 12-digit string. */
export function referenceIinValid(s: string): boolean {
  if (!/^\d{12}$/.test(s)) return false;
  const c = Number(s[6]);
  if (c < 1 || c > 6) return false;
  const year = { 1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000 }[c] as number;
  if (!realDate(year + Number(s.slice(0, 2)), Number(s.slice(2, 4)), Number(s.slice(4, 6)))) return false;
  return referenceCheckDigit(s) === Number(s[11]);
}

/** The whole BIN rule on a plain 12-digit string. */
export function referenceBinValid(s: string): boolean {
  if (!/^\d{12}$/.test(s)) return false;
  const month = Number(s.slice(2, 4));
  if (month < 1 || month > 12) return false;
  if (!['4', '5', '6'].includes(s[4] as string)) return false;
  if (!['0', '1', '2', '3'].includes(s[5] as string)) return false;
  return referenceCheckDigit(s) === Number(s[11]);
}

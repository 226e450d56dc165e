/**
 * The Digital ID PIN rule (ca.yaml `Pin`): 4 to 8 digits, not one repeated digit, not a straight
 * ascending or descending run.
 */

/** Why a PIN is refused, or `undefined` when it is acceptable. */
export function pinProblem(pin: string): 'format' | 'simple' | undefined {
  if (!/^[0-9]{4,8}$/.test(pin)) return 'format';
  const d = [...pin].map(Number);
  if (d.every((x) => x === d[0])) return 'simple';
  const step = (d[1] ?? 0) - (d[0] ?? 0);
  if ((step === 1 || step === -1) && d.every((x, i) => i === 0 || x - (d[i - 1] ?? 0) === step))
    return 'simple';
  return undefined;
}

/**
 * Validations per second of isValidIin / isValidBin on a mix of valid and invalid inputs, against a
 * straightforward idiomatic implementation (trim + regex + split/map/reduce + Date) measured in the
 * same run. Run: `pnpm bench` (tsx bench/validate.bench.ts). One core, no worker threads.
 */
import { generateBins, generateIins, isValidBin, isValidIin } from '../src/index.js';

const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/** The check digit as most code writes it. */
function baselineCheckDigit(digits: number[]): number | null {
  let k = W1.reduce((sum, w, i) => sum + w * (digits[i] ?? 0), 0) % 11;
  if (k === 10) k = W2.reduce((sum, w, i) => sum + w * (digits[i] ?? 0), 0) % 11;
  return k === 10 ? null : k;
}

function baselineIsValidIin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const s = value.trim().replace(/^IIN\s*/i, '');
  if (!/^\d{12}$/.test(s)) return false;
  const d = s.split('').map(Number);
  const c = d[6] ?? 0;
  if (c < 1 || c > 6) return false;
  const year = 1800 + Math.floor((c - 1) / 2) * 100 + Number(s.slice(0, 2));
  const month = Number(s.slice(2, 4));
  const day = Number(s.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return false;
  return baselineCheckDigit(d) === d[11];
}

function baselineIsValidBin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const s = value.trim().replace(/^BIN\s*/i, '');
  if (!/^\d{2}(0[1-9]|1[0-2])[456][0-3]\d{6}$/.test(s)) return false;
  const d = s.split('').map(Number);
  return baselineCheckDigit(d) === d[11];
}

/** Half valid; the rest a typo'd digit, a bad length, a non-digit, a bad date/field, or a prefix. */
function mix(valid: string[], prefix: string): string[] {
  const out: string[] = [];
  valid.forEach((v, i) => {
    out.push(v);
    const pos = i % 12;
    const typo = v.slice(0, pos) + ((Number(v[pos]) + 1 + (i % 9)) % 10) + v.slice(pos + 1);
    const variants = [
      typo,
      v.slice(0, 11),
      `${v.slice(0, 5)}x${v.slice(6)}`,
      `99${v.slice(2)}`,
      `${prefix}${v}`,
    ];
    out.push(variants[i % variants.length] as string);
  });
  return out;
}

// Through JSON, as inputs arrive in a request body: flat strings, not the slices and
// concatenations `mix` built (V8 reads those through an extra indirection).
const iins: string[] = JSON.parse(JSON.stringify(mix(generateIins(2048, { seed: 'bench' }), 'IIN')));
const bins: string[] = JSON.parse(JSON.stringify(mix(generateBins(2048, { seed: 'bench' }), 'BIN')));

// The two implementations must agree before their speed means anything.
for (const v of iins)
  if (isValidIin(v) !== baselineIsValidIin(v)) throw new Error(`IIN implementations disagree on ${v}`);
for (const v of bins)
  if (isValidBin(v) !== baselineIsValidBin(v)) throw new Error(`BIN implementations disagree on ${v}`);

/**
 * One pass over a set, written out per function: a shared `fn(v)` call site would turn
 * megamorphic and measure the call, not the validation.
 */
const passes = {
  isValidIin: (): number => {
    let n = 0;
    for (let i = 0; i < iins.length; i++) if (isValidIin(iins[i])) n++;
    return n;
  },
  baselineIin: (): number => {
    let n = 0;
    for (let i = 0; i < iins.length; i++) if (baselineIsValidIin(iins[i])) n++;
    return n;
  },
  isValidBin: (): number => {
    let n = 0;
    for (let i = 0; i < bins.length; i++) if (isValidBin(bins[i])) n++;
    return n;
  },
  baselineBin: (): number => {
    let n = 0;
    for (let i = 0; i < bins.length; i++) if (baselineIsValidBin(bins[i])) n++;
    return n;
  },
};

let accepted = 0; // printed at the end so no pass can be optimised away

/** Best of `rounds` timed rounds of about `ms` each, after one warm-up round: validations per second. */
function measure(pass: () => number, size: number, rounds = 5, ms = 300): number {
  let best = 0;
  for (let r = 0; r <= rounds; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      accepted += pass();
      n += size;
      t = performance.now();
    }
    if (r > 0) best = Math.max(best, (n / (t - t0)) * 1000);
  }
  return best;
}

const fmt = (x: number): string => `${(x / 1e6).toFixed(1)} M/s`;
const rows = [
  ['isValidIin', measure(passes.isValidIin, iins.length), measure(passes.baselineIin, iins.length)],
  ['isValidBin', measure(passes.isValidBin, bins.length), measure(passes.baselineBin, bins.length)],
] as const;
const share = (set: string[], valid: (v: string) => boolean): string =>
  `${((set.filter(valid).length / set.length) * 100).toFixed(0)}% valid`;
console.log(
  `@kzpki/iin validation: ${iins.length} IINs (${share(iins, isValidIin)}), ${bins.length} BINs (${share(bins, isValidBin)}), one core`,
);
for (const [name, ours, base] of rows)
  console.log(
    `${name.padEnd(11)} ${fmt(ours).padStart(11)}   baseline ${fmt(base).padStart(10)}   ratio ${(ours / base).toFixed(1)}x`,
  );
console.log(`(${accepted} inputs accepted in total)`);

/**
 * GOST figures, with @wavesenterprise/crypto-gost-js doing the same work in the same run
 * (alternating short rounds, median of each, so load from other processes hits both alike):
 * - GOST R 34.10-2015 512-bit (tc26-512-paramSetA, Streebog-512) sign/s and verify/s on a 1 KiB
 *   message; our verify both for a key seen for the first time ("first-seen key": the SPKI is
 *   decoded and validated, then u1·G + u2·Q in one chain of doublings, src/gost/multiply.ts) and
 *   for a key verified before ("cached key": an issuer's key over a chain, a CRL or OCSP
 *   responses, decoded once and multiplied with a precomputed window table), each against the
 *   library's verify and the aim (at least 8x the library);
 * - Streebog-512 and GOST R 34.11-94 throughput in MB/s, next to the library and, as a yardstick,
 *   @noble/hashes SHA-512; and Streebog's share of a verification of a 1 KiB message;
 * - the load average, since the figures are taken on a shared machine.
 */
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { sha512 } from '@noble/hashes/sha2';
import { gostr3411_94 } from '../src/gost/gostr3411-94.js';
import { GostPrivateKey, verifyGost } from '../src/gost/keys.js';
import { streebog512 } from '../src/gost/streebog.js';

interface LibSigner {
  generateKey(): { privateKey: ArrayBuffer; publicKey: ArrayBuffer };
  sign(privateKey: ArrayBuffer, data: Uint8Array): ArrayBuffer;
  verify(publicKey: ArrayBuffer, signature: ArrayBuffer, data: Uint8Array): boolean;
}
interface LibDigest {
  digest(data: Uint8Array): ArrayBuffer;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Calls of `fn` per second over about `ms` (at least `min` calls). */
function rate(fn: () => unknown, ms: number, min = 2): number {
  let n = 0;
  const start = performance.now();
  while (n < min || performance.now() - start < ms) {
    fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

/** Rates of several functions measured in alternating rounds; the median per function. */
function paired(fns: (() => unknown)[], ms: number, rounds = 3): number[] {
  for (const f of fns) f();
  const all = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < fns.length; i++) all[i]!.push(rate(fns[i]!, ms));
  }
  return all.map(median);
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
}

export async function run(): Promise<void> {
  const require = createRequire(import.meta.url);
  const lib = require('@wavesenterprise/crypto-gost-js') as {
    GostEngine: { getGostSign(alg: object): LibSigner; getGostDigest(alg: object): LibDigest };
  };
  const libSign = lib.GostEngine.getGostSign({
    name: 'GOST R 34.10',
    version: 2012,
    mode: 'SIGN',
    length: 512,
    namedCurve: 'T-512-A',
    hash: { name: 'GOST R 34.11', version: 2012, length: 512 },
  });
  const message = new Uint8Array(1024).map((_, i) => i * 7);

  // Ours: one key for signing and "same key" verification; 24 keys for "new key" verification
  // (more than the verifier's key cache holds, so every verification decodes and multiplies afresh).
  const key = GostPrivateKey.generate('gost2015-512');
  const sig = key.sign(message);
  const fresh = Array.from({ length: 24 }, () => {
    const k = GostPrivateKey.generate('gost2015-512');
    return { spki: k.publicKeyInfo, sig: k.sign(message) };
  });
  let next = 0;
  const check = (ok: boolean) => {
    if (!ok) throw new Error('verification failed in the benchmark');
  };

  const libKeys = libSign.generateKey();
  const libSig = libSign.sign(libKeys.privateKey, message);
  check(libSign.verify(libKeys.publicKey, libSig, message));
  check(libSign.verify(key.publicKey.slice().buffer, sig.slice().buffer, message)); // same convention

  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ');
  console.log(`load average (1/5/15 min) at the start: ${load()}, ${availableParallelism()} CPU(s)`);
  const [oursSign, libSignRate] = paired(
    [() => key.sign(message), () => libSign.sign(libKeys.privateKey, message)],
    1500,
  ) as [number, number];
  const [oursVerifyCached, oursVerifyNew, libVerify] = paired(
    [
      () => check(verifyGost(key.signatureAlgorithm, key.publicKeyInfo, message, sig)),
      () => {
        const f = fresh[next++ % fresh.length]!;
        check(verifyGost(key.signatureAlgorithm, f.spki, message, f.sig));
      },
      () => check(libSign.verify(libKeys.publicKey, libSig, message)),
    ],
    1500,
    5,
  ) as [number, number, number];

  console.log('\nGOST R 34.10-2015 512-bit (tc26-512-paramSetA + Streebog-512), 1 KiB message:');
  const x = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  const row = (name: string, ours: number, lib: number) => [
    name,
    ours.toFixed(0),
    lib.toFixed(1),
    (1000 / ours).toFixed(2),
    (1000 / lib).toFixed(1),
    x(ours, lib),
  ];
  table([
    ['operation', '@kzpki/pki /s', 'crypto-gost-js /s', 'ours ms', 'lib ms', 'ours/lib'],
    row('sign', oursSign, libSignRate),
    row('verify, first-seen key', oursVerifyNew, libVerify),
    row('verify, cached key', oursVerifyCached, libVerify),
  ]);
  const aim = (name: string, ours: number) =>
    `  ${name}: ${x(ours, libVerify)} — ${ours / libVerify >= 8 ? 'met' : 'NOT met'}`;
  console.log('aim (issue 12): verification at least 8x crypto-gost-js');
  console.log(aim('first-seen key', oursVerifyNew));
  console.log(aim('cached key', oursVerifyCached));

  const [sb1k] = paired([() => streebog512(message)], 300);
  console.log(
    `Streebog-512 of the 1 KiB message: ${(1e6 / sb1k!).toFixed(0)} µs, ` +
      `${((100 * oursVerifyNew) / sb1k!).toFixed(1)}% of a first-seen-key verification, ` +
      `${((100 * oursVerifyCached) / sb1k!).toFixed(1)}% of a cached-key one`,
  );

  const libStreebog = lib.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 2012, length: 512 });
  const lib94 = lib.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 1994, sBox: 'D-TEST' });
  const MB = 1024 * 1024;
  const big = new Uint8Array(4 * MB).map((_, i) => i);
  const [sbOurs, sbLib, g94Ours, g94Lib, sha] = paired(
    [
      () => streebog512(big),
      () => libStreebog.digest(big),
      () => gostr3411_94(big),
      () => lib94.digest(big),
      () => sha512(big),
    ],
    1000,
  ).map((r) => r * 4) as [number, number, number, number, number];
  console.log('\nHash throughput, MB/s (4 MiB input):');
  table([
    ['hash', '@kzpki/pki', 'crypto-gost-js', 'ours/lib'],
    ['Streebog-512', sbOurs.toFixed(1), sbLib.toFixed(1), x(sbOurs, sbLib)],
    ['GOST R 34.11-94 (test S-box)', g94Ours.toFixed(1), g94Lib.toFixed(1), x(g94Ours, g94Lib)],
    ['SHA-512 (@noble/hashes, yardstick)', sha.toFixed(1), '', ''],
  ]);
  console.log(`load average (1/5/15 min) at the end: ${load()}`);
}

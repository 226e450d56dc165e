/**
 * CRL and OCSP figures, with their baselines measured in the same run:
 * - CRL build for 100k and 1M entries (NCA mix of reasons, 20-octet serials): time, DER size,
 *   peak RSS and retained memory, and the longest event-loop stall while building (the build
 *   yields every 50k entries so a server keeps serving);
 * - the same 1M-entry CRL signed by a GOST-2015-512 CA (as the reference CA's GOST hierarchy
 *   signs its CRLs): the Streebog-512 hash of the whole TBSCertList is the extra cost, next to
 *   the RSA-2048 build in the same run;
 * - CRL parse + lookups of the 1M CRL, next to `openssl crl -noout` reading the same file
 *   (process start-up included and also shown separately);
 * - OCSP response signing rate (prepared responder, one SingleResponse, RSA-2048) next to the raw
 *   RSA-2048 WebCrypto sign rate, sequential and with 8 signatures in flight.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { buildCrl, type CrlEntryInput } from '../src/crl/build.js';
import { parseCrl } from '../src/crl/parse.js';
import type { CrlReason } from '../src/crl/reason.js';
import { verifyCrl } from '../src/crl/verify.js';
import { getCrypto } from '../src/crypto-provider.js';
import { GostPrivateKey } from '../src/gost/keys.js';
import { createOcspRequest, parseOcspRequest } from '../src/ocsp/request.js';
import { prepareOcspResponder } from '../src/ocsp/response.js';
import { parseOcspResponse } from '../src/ocsp/response-parse.js';
import { rootCaProfile } from '../src/profiles/templates.js';
import { issueCertificate } from '../src/x509/issue.js';
import { makeTestPki } from '../test/support/crl-ocsp-test-pki.js';

const MB = 1024 * 1024;

/** A full garbage collection before memory readings (`pnpm bench` runs without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** NCA-like entries: 20-octet serials, reasons as docs/domain.md (Status services) lists them (and none). */
function makeEntries(n: number): CrlEntryInput[] {
  const reasons: Array<CrlReason | undefined> = [
    'keyCompromise',
    'affiliationChanged',
    'superseded',
    'cessationOfOperation',
    'certificateHold',
    undefined,
  ];
  const base = Date.UTC(2024, 0, 1);
  const out = new Array<CrlEntryInput>(n);
  for (let i = 0; i < n; i++) {
    // 40 hex digits, top nibble 4..7 like the NCA's serials, distinct per i.
    const serial = `${(4 + (i & 3)).toString(16)}${(i * 2654435761).toString(16).padStart(15, '0').slice(-15)}${i.toString(16).padStart(24, '0')}`;
    serial.charCodeAt(0); // flatten the concatenation now, as strings read from a database already are
    out[i] = { serial, revocationDate: new Date(base + i * 1000), reason: reasons[i % reasons.length] };
  }
  return out;
}

/** Operations per second of `fn` with `inFlight` calls at a time, over about `ms`. */
async function rate(fn: () => Promise<unknown>, ms: number, inFlight = 1): Promise<number> {
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await Promise.all(Array.from({ length: inFlight }, fn));
    done += inFlight;
  }
  return (done * 1000) / (performance.now() - start);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Rates of `a` and `b` measured in alternating short rounds (median of 5 each), so that load from
 * other processes on a shared machine hits both alike.
 */
async function pairedRates(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  inFlight: number,
): Promise<[number, number]> {
  await a();
  await b();
  const ra: number[] = [];
  const rb: number[] = [];
  for (let i = 0; i < 5; i++) {
    ra.push(await rate(a, 300, inFlight));
    rb.push(await rate(b, 300, inFlight));
  }
  return [median(ra), median(rb)];
}

function table(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(row(r));
}

/** Runs the CRL and OCSP benchmarks and prints their tables. */
export async function run(): Promise<void> {
  const pki = await makeTestPki('RSA-2048');
  const tmp = tempDir('kzpki-crl-bench-');
  try {
    // --- CRL build (after a small warm-up build, so the first row does not pay for JIT compilation)
    await buildCrl({
      issuer: pki.ca.der,
      issuerKey: pki.ca.keys.privateKey,
      crlNumber: 1n,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 86_400_000),
      entries: makeEntries(20_000),
    });
    const buildRows: string[][] = [];
    let big: Uint8Array | undefined;
    for (const n of [100_000, 1_000_000]) {
      const entries = makeEntries(n);
      collectGarbage();
      const before = process.memoryUsage();
      let peakRss = before.rss;
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 5);
      const stall = monitorEventLoopDelay({ resolution: 10 });
      stall.enable();
      const t0 = performance.now();
      const der = await buildCrl({
        issuer: pki.ca.der,
        issuerKey: pki.ca.keys.privateKey,
        crlNumber: 1000n,
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 86_400_000),
        entries,
        freshestCrlUrls: ['http://crl.example.kz/nca_d_rsa.crl'],
      });
      const ms = performance.now() - t0;
      stall.disable();
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      // Native copies made for the signature are released after the job object is collected.
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 50));
      collectGarbage();
      const after = process.memoryUsage();
      buildRows.push([
        n.toLocaleString('en'),
        fmt(ms),
        fmt((n / ms) * 1000),
        fmt(der.length / MB, 1),
        fmt((peakRss - before.rss) / MB),
        fmt((after.heapUsed - before.heapUsed) / MB),
        fmt((after.arrayBuffers - before.arrayBuffers) / MB),
        fmt(stall.max / 1e6),
      ]);
      if (n === 1_000_000) big = der;
    }
    table(
      'CRL build (RSA-2048 signature; entries array prepared beforehand)',
      [
        'entries',
        'ms',
        'entries/s',
        'DER MB',
        'peak RSS +MB',
        'heap +MB',
        'buffers +MB',
        'max loop stall ms',
      ],
      buildRows,
    );

    // --- The same 1M-entry CRL signed by a GOST-2015-512 CA, beside an RSA-2048 build of it.
    const gostKey = GostPrivateKey.generate('gost2015-512');
    const gostCa = await issueCertificate({
      publicKey: gostKey.publicKeyInfo,
      subject: [{ type: '2.5.4.3', value: 'KZPKI BENCH GOST CA' }],
      profile: rootCaProfile(),
      issuerKey: gostKey,
    });
    const million = makeEntries(1_000_000);
    const algRows: string[][] = [];
    for (const [label, issuer, issuerKey] of [
      ['RSA-2048 (SHA-256)', pki.ca.der, pki.ca.keys.privateKey],
      ['GOST-2015-512 (Streebog-512)', gostCa.der, gostKey],
      ['RSA-2048 (SHA-256), again', pki.ca.der, pki.ca.keys.privateKey],
    ] as const) {
      collectGarbage();
      const stall = monitorEventLoopDelay({ resolution: 10 });
      stall.enable();
      const t = performance.now();
      const crlDer = await buildCrl({
        issuer,
        issuerKey,
        crlNumber: 1001n,
        thisUpdate: new Date(),
        nextUpdate: new Date(Date.now() + 86_400_000),
        entries: million,
      });
      const ms = performance.now() - t;
      stall.disable();
      // What was timed is a good CRL: every entry there, the signature verifying (outside the timing).
      const parsed = parseCrl(crlDer);
      const tv = performance.now();
      const valid = await verifyCrl(parsed, issuer);
      const verifyMs = performance.now() - tv;
      if (parsed.entryCount !== million.length || !valid)
        throw new Error(`${label}: the CRL does not verify`);
      algRows.push([label, fmt(ms), fmt(stall.max / 1e6), fmt(verifyMs), fmt(crlDer.length / MB, 1)]);
    }
    table(
      'CRL build of 1,000,000 entries by signature algorithm (same entries, same run)',
      ['issuer key', 'build ms', 'max loop stall ms', 'verify ms', 'DER MB'],
      algRows,
    );

    // --- CRL parse + lookup vs openssl
    const der = big!;
    const path = tmp.write('big.crl', der);
    const t1 = performance.now();
    const crl = parseCrl(der);
    const parseMs = performance.now() - t1;
    const probes = makeEntries(1_000_000)
      .filter((_, i) => i % 10 === 0)
      .map((e) => e.serial as string);
    const t2 = performance.now();
    let hits = 0;
    let falseHits = 0;
    for (const s of probes) if (crl.find(s)) hits++;
    // As many misses (serials that are not on the CRL): a responder mostly asks about good ones.
    for (let i = 0; i < probes.length; i++)
      if (crl.find(`ff${i.toString(16).padStart(38, '0')}`)) falseHits++;
    const findRate = (probes.length * 2 * 1000) / (performance.now() - t2);
    if (hits !== probes.length || falseHits !== 0)
      throw new Error('CRL lookups disagree with the entries written');
    const rows = [['kzpki parseCrl (one pass + index)', fmt(parseMs), fmt(findRate)]];
    if (hasTool('openssl')) {
      const spawn = performance.now();
      runTool('openssl', ['version']);
      const spawnMs = performance.now() - spawn;
      const t3 = performance.now();
      const r = runTool('openssl', ['crl', '-inform', 'DER', '-in', path, '-noout']);
      const osslMs = performance.now() - t3;
      if (r.status !== 0) throw new Error(`openssl crl failed: ${r.stderr}`);
      rows.push([`openssl crl -noout (process; spawn ~${fmt(spawnMs)} ms)`, fmt(osslMs), 'n/a']);
    } else rows.push(['openssl crl -noout', 'not installed', 'n/a']);
    table(
      `CRL parse of the ${crl.entryCount.toLocaleString('en')}-entry CRL (${fmt(der.length / MB, 1)} MB)`,
      ['reader', 'parse ms', 'lookups/s'],
      rows,
    );
    writeFileSync(path, new Uint8Array(0)); // free the page cache copy early

    // --- OCSP signing vs raw RSA sign
    const req = await createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, hash: 'SHA-256' });
    const info = parseOcspRequest(req.der);
    const responder = await prepareOcspResponder({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
    });
    const content = () => ({
      responses: [{ certId: info.certIds[0]!, status: { type: 'good' as const }, thisUpdate: new Date() }],
      nonce: info.nonce,
      nonceEncoding: info.nonceEncoding,
    });
    const sample = await responder.sign(content());
    const tbsSize = parseOcspResponse(sample).tbs!.length;
    const data = new Uint8Array(tbsSize).fill(7);
    const subtle = getCrypto().subtle;
    const rawSign = () => subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, pki.responder.keys.privateKey, data);
    const ocspSign = () => responder.sign(content());
    const [raw1, ocsp1] = await pairedRates(rawSign, ocspSign, 1);
    const [raw8, ocsp8] = await pairedRates(rawSign, ocspSign, 8);
    const parseReq = await rate(async () => parseOcspRequest(req.der), 800);
    const parseRes = await rate(async () => parseOcspResponse(sample), 800);
    table(
      `OCSP (RSA-2048 responder, one SingleResponse + nonce; ${sample.length}-byte response), operations per second`,
      ['operation', 'sequential', '8 in flight', 'vs raw sign'],
      [
        ['raw RSA-2048 sign (WebCrypto)', fmt(raw1), fmt(raw8), '1.00'],
        [
          'OCSP response build + sign',
          fmt(ocsp1),
          fmt(ocsp8),
          `${fmt(ocsp1 / raw1, 2)} / ${fmt(ocsp8 / raw8, 2)}`,
        ],
        ['parseOcspRequest', fmt(parseReq), '', ''],
        ['parseOcspResponse', fmt(parseRes), '', ''],
      ],
    );
  } finally {
    tmp.dispose();
  }
}

/**
 * CMS verification rate (`verifyCms`: signature, message digest, chain of three, revocation of the
 * signer and its CA with the answers in a warm `RevocationCache`), with its baseline measured in
 * the same run: `openssl cms -verify` on the same RSA file, one process per verification (so its
 * figure includes process start-up, shown separately), with and without `-crl_check_all` over the
 * same CRLs. GOST R 34.10-2015 (512) signers are measured the same way (no OpenSSL baseline: stock
 * OpenSSL has no KZ GOST).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { RevocationCache } from '../src/cms/revocation.js';
import { signCms } from '../src/cms/sign.js';
import { verifyCms } from '../src/cms/verify.js';
import { buildCrl } from '../src/crl/build.js';
import { toPem } from '../src/der/encoding.js';
import { GostPrivateKey } from '../src/gost/keys.js';
import { rootCaProfile, templateProfile } from '../src/profiles/templates.js';
import { issueCertificate } from '../src/x509/issue.js';
import { buildNcaSubject } from '../src/x509/subject.js';
import { makeCmsTestPki } from '../test/cms/support/pki.js';

const fmt = (n: number, digits = 0) => n.toFixed(digits);

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

/** A GOST root, a GOST-2015 signer pointing at a CRL served here, and a CMS it signed. */
async function gostFixture(): Promise<{ p7s: Uint8Array; root: Uint8Array; close(): Promise<void> }> {
  const rootKey = GostPrivateKey.generate('gost2015-512');
  const root = await issueCertificate({
    publicKey: rootKey.publicKeyInfo,
    subject: [
      { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
      { type: '2.5.4.3', value: 'BENCH ROOT (GOST)' },
    ],
    profile: rootCaProfile(),
    issuerKey: rootKey,
  });
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const crl = await buildCrl({
    issuer: root.der,
    issuerKey: rootKey,
    crlNumber: 1n,
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 3600_000),
    entries: [],
  });
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gost.crl`;
  const key = GostPrivateKey.generate('gost2015-512');
  const cert = await issueCertificate({
    publicKey: key.publicKeyInfo,
    subject: buildNcaSubject({ surname: 'Тестов', givenName: 'Тест', iin: '871008401427' }),
    profile: templateProfile('individual', 'sign'),
    issuer: root.der,
    issuerKey: rootKey,
    urls: { crl: [url] },
  });
  const p7s = await signCms({ content: 'bench document', signers: { key, certificate: cert.der } });
  return {
    p7s,
    root: root.der,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function run(): Promise<void> {
  const pki = await makeCmsTestPki();
  const tmp = tempDir('kzpki-bench-cms-');
  try {
    const alice = await pki.person();
    const content = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const p7s = await signCms({
      content,
      signers: {
        key: alice.keys.privateKey,
        certificate: alice.cert.der,
        certificates: [pki.issuing.cert.der],
      },
    });
    const cache = new RevocationCache();
    const options = { trustAnchors: [pki.root.cert.der], revocation: { cache } };
    const first = await verifyCms(p7s, options);
    if (!first.valid) throw new Error(`bench CMS does not verify: ${first.message}`);
    const hits = { ...pki.hits };
    const rows: [string, string][] = [];
    const rsa1 = await rate(() => verifyCms(p7s, options), 3000);
    const rsa8 = await rate(() => verifyCms(p7s, options), 3000, 8);
    if (pki.hits.ocsp !== hits.ocsp || pki.hits.crl !== hits.crl) throw new Error('the cache was not used');
    rows.push(['verifyCms RSA-2048, revocation cached, sequential', fmt(rsa1)]);
    rows.push(['verifyCms RSA-2048, revocation cached, 8 in flight', fmt(rsa8)]);
    const noRev = await rate(
      () => verifyCms(p7s, { trustAnchors: [pki.root.cert.der], revocation: false }),
      2000,
    );
    rows.push(['verifyCms RSA-2048, revocation off, sequential', fmt(noRev)]);

    const gost = await gostFixture();
    try {
      const gOptions = { trustAnchors: [gost.root], revocation: { cache: new RevocationCache() } };
      const g = await verifyCms(gost.p7s, gOptions);
      if (!g.valid) throw new Error(`bench GOST CMS does not verify: ${g.message}`);
      rows.push([
        'verifyCms GOST-2015-512, revocation (CRL) cached, sequential',
        fmt(await rate(() => verifyCms(gost.p7s, gOptions), 3000), 1),
      ]);
    } finally {
      await gost.close();
    }

    if (hasTool('openssl')) {
      const file = tmp.write('a.p7s', p7s);
      const ca = tmp.write('root.pem', toPem(pki.root.cert.der, 'CERTIFICATE'));
      const crlRoot = new Uint8Array(await (await fetch(`${pki.url}/crl/root.crl`)).arrayBuffer());
      const crlIssuing = new Uint8Array(await (await fetch(`${pki.url}/crl/issuing.crl`)).arrayBuffer());
      const caCrl = tmp.write(
        'root-crl.pem',
        `${toPem(pki.root.cert.der, 'CERTIFICATE')}${toPem(crlRoot, 'X509 CRL')}${toPem(crlIssuing, 'X509 CRL')}`,
      );
      const n = 40;
      const time = (args: string[]) => {
        const start = performance.now();
        for (let i = 0; i < n; i++) {
          const r = runTool('openssl', args);
          if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
        }
        return (performance.now() - start) / n;
      };
      const spawn = time(['version']);
      const plain = time([
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        file,
        '-CAfile',
        ca,
        '-out',
        '/dev/null',
      ]);
      const withCrl = time([
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        file,
        '-CAfile',
        caCrl,
        '-crl_check_all',
        '-out',
        '/dev/null',
      ]);
      rows.push([
        `openssl cms -verify, no revocation (per process; spawn alone ${fmt(spawn, 1)} ms)`,
        fmt(1000 / plain),
      ]);
      rows.push(['openssl cms -verify -crl_check_all, same CRLs (per process)', fmt(1000 / withCrl)]);
    } else rows.push(['openssl cms -verify', 'not installed']);

    console.log(
      `CMS verification (attached, 10 kB content, chain of 3), verifications per second (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}, ${availableParallelism()} CPUs):`,
    );
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v.padStart(8)}`);
  } finally {
    tmp.dispose();
    await pki.close();
  }
}

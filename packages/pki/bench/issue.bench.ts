/**
 * Certificate issuance throughput: `issueCertificate` against the raw WebCrypto sign rate (the
 * floor: one signature per certificate), `openssl speed` sign/s (native single-thread) and plain
 * `@peculiar/x509` generation doing the same job (same extensions), all measured in this run, for
 * an RSA-2048 issuer (as the NCA's, RSA-4096 aside) and a P-256 issuer.
 *
 * Rows:
 * - `issueCertificate (CSR)`: from an already verified request (subject Name copied as DER);
 * - `issueCertificate (DN)`: subject given as a DistinguishedName, encoded on every call;
 * - `WebCrypto sign`: signing a TBS of the same size, nothing else;
 * - `@peculiar/x509`: `X509CertificateGenerator.create` with the same extensions;
 * - `openssl speed`: `openssl speed -seconds 2 rsa2048|ecdsap256` sign/s.
 */
import { spawnSync } from 'node:child_process';
import * as x509 from '@peculiar/x509';
import { getCrypto } from '../src/crypto-provider.js';
import { createCsr, verifyCsr } from '../src/csr/csr.js';
import { toArrayBuffer, toHex } from '../src/der/encoding.js';
import type { KeyAlgorithmName } from '../src/keys/key-algorithm.js';
import { exportSpki, generateKeyPair } from '../src/keys/keys.js';
import { issuingCaProfile, templateProfile } from '../src/profiles/templates.js';
import { issueCertificate } from '../src/x509/issue.js';
import { randomSerial } from '../src/x509/serial.js';
import { buildNcaSubject } from '../src/x509/subject.js';

const SECONDS = 2;
const SLICE_MS = 100;
const URLS = {
  crl: ['http://test.pki.gov.kz/crl/nca_rsa_test.crl'],
  deltaCrl: ['http://test.pki.gov.kz/crl/nca_d_rsa_test.crl'],
  ocsp: ['http://test.pki.gov.kz/ocsp/'],
  caIssuers: ['http://test.pki.gov.kz/cert/nca_rsa_test.cer'],
};

/**
 * Operations per second of each op, measured in interleaved slices (round robin, `SLICE_MS` each,
 * `SECONDS` per op in total) so that load from other processes affects every op alike.
 */
async function rates(ops: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const names = Object.keys(ops);
  const count: Record<string, number> = {};
  const time: Record<string, number> = {};
  for (const name of names) {
    const warm = performance.now();
    while (performance.now() - warm < 200) await ops[name]!();
    count[name] = 0;
    time[name] = 0;
  }
  const rounds = Math.round((SECONDS * 1000) / SLICE_MS);
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const op = ops[name]!;
      const start = performance.now();
      let n = 0;
      while (performance.now() - start < SLICE_MS) {
        await op();
        n++;
      }
      count[name]! += n;
      time[name]! += performance.now() - start;
    }
  }
  return Object.fromEntries(names.map((n) => [n, (count[n]! * 1000) / time[n]!]));
}

/** `openssl speed` sign/s for `rsa2048` or `ecdsap256`, or undefined where OpenSSL is missing. */
function opensslSignRate(alg: 'rsa2048' | 'ecdsap256'): number | undefined {
  const r = spawnSync('openssl', ['speed', '-seconds', String(SECONDS), alg], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error || r.status !== 0) return undefined;
  const re =
    alg === 'rsa2048'
      ? /^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)/m
      : /^\s*256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)/m;
  const m = re.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

interface Row {
  issuer: string;
  what: string;
  perSecond: number | undefined;
}

async function measure(alg: KeyAlgorithmName): Promise<Row[]> {
  const issuerLabel = alg === 'RSA-2048' ? 'RSA-2048' : 'P-256';
  const caKeys = await generateKeyPair(alg);
  const ca = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: [
      { type: '2.5.4.6', value: 'KZ' },
      { type: '2.5.4.3', value: `ҰКО 3.0 (${issuerLabel} BENCH)` },
    ],
    profile: issuingCaProfile(),
    issuerKey: caKeys.privateKey,
  });
  const leafKeys = await generateKeyPair('RSA-2048');
  const spki = await exportSpki(leafKeys.publicKey);
  const subject = buildNcaSubject({
    surname: 'Тестов',
    givenName: 'Тест',
    patronymic: 'Тестович',
    iin: '871008401427',
    template: 'individual',
  });
  const profile = templateProfile('individual', 'auth');
  const csr = await verifyCsr(
    await createCsr({ keys: leafKeys, subject, template: 'individual', purpose: 'auth' }),
  );
  const sample = await issueCertificate({
    csr,
    profile,
    issuer: ca.der,
    issuerKey: caKeys.privateKey,
    urls: URLS,
  });

  // The floor: one signature over as many bytes as our TBSCertificate has.
  const tbs = new Uint8Array(sample.der.length - (alg === 'RSA-2048' ? 256 + 25 : 72 + 20));
  getCrypto().getRandomValues(tbs);
  const params = alg === 'RSA-2048' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };

  // Plain @peculiar/x509 with the same content.
  x509.cryptoProvider.set(getCrypto());
  const caCert = new x509.X509Certificate(toArrayBuffer(ca.der));
  const caSki = caCert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
  const freshest = new x509.CRLDistributionPointsExtension(URLS.deltaCrl);
  const subjectJson: x509.JsonName = subject.map((a) => ({ [a.type]: [a.value] }));
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + 365 * 86_400_000);
  const peculiar = async () =>
    x509.X509CertificateGenerator.create({
      serialNumber: toHex(randomSerial()),
      subject: subjectJson,
      issuer: caCert.subjectName,
      notBefore,
      notAfter,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm:
        alg === 'RSA-2048'
          ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
          : { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension(profile.extKeyUsage, false),
        new x509.AuthorityKeyIdentifierExtension(caSki),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
        new x509.CertificatePolicyExtension(profile.policies),
        new x509.CRLDistributionPointsExtension(URLS.crl),
        new x509.Extension('2.5.29.46', false, freshest.value),
        new x509.AuthorityInfoAccessExtension({ caIssuers: URLS.caIssuers, ocsp: URLS.ocsp }),
      ],
    });

  const measured = await rates({
    'issueCertificate (CSR)': () =>
      issueCertificate({ csr, profile, issuer: ca.der, issuerKey: caKeys.privateKey, urls: URLS }),
    'issueCertificate (DN)': () =>
      issueCertificate({
        publicKey: spki,
        subject,
        profile,
        issuer: ca.der,
        issuerKey: caKeys.privateKey,
        urls: URLS,
      }),
    'WebCrypto sign (same TBS size)': () => getCrypto().subtle.sign(params, caKeys.privateKey, tbs),
    '@peculiar/x509 generator': peculiar,
  });
  const rows: Row[] = Object.entries(measured).map(([what, perSecond]) => ({
    issuer: issuerLabel,
    what,
    perSecond,
  }));
  rows.push({
    issuer: issuerLabel,
    what: 'openssl speed sign/s',
    perSecond: opensslSignRate(alg === 'RSA-2048' ? 'rsa2048' : 'ecdsap256'),
  });
  return rows;
}

/** Runs the issuance benchmark and prints one table. */
export async function run(): Promise<void> {
  console.log(
    `certificates issued per second, one at a time, ${SECONDS} s per row in interleaved ${SLICE_MS} ms slices (leaf key RSA-2048, NCA AUTH profile)`,
  );
  const rows = [...(await measure('RSA-2048')), ...(await measure('ECDSA-P256'))];
  const fmt = (n: number | undefined, digits = 0) => (n === undefined ? 'n/a' : n.toFixed(digits));
  console.log(
    `${'issuer'.padEnd(9)}${'what'.padEnd(32)}${'per s'.padStart(10)}${'vs sign'.padStart(10)}${'vs openssl'.padStart(12)}`,
  );
  for (const r of rows) {
    const sign = rows.find((x) => x.issuer === r.issuer && x.what.startsWith('WebCrypto'))?.perSecond;
    const ossl = rows.find((x) => x.issuer === r.issuer && x.what.startsWith('openssl'))?.perSecond;
    const ratio = (base: number | undefined) =>
      r.perSecond === undefined || base === undefined ? 'n/a' : `${(r.perSecond / base).toFixed(2)}x`;
    console.log(
      `${r.issuer.padEnd(9)}${r.what.padEnd(32)}${fmt(r.perSecond).padStart(10)}${ratio(sign).padStart(10)}${ratio(ossl).padStart(12)}`,
    );
  }
  const rsaCsr = rows.find((r) => r.issuer === 'RSA-2048' && r.what === 'issueCertificate (CSR)')!.perSecond!;
  const rsaSign = rows.find((r) => r.issuer === 'RSA-2048' && r.what.startsWith('WebCrypto'))!.perSecond!;
  console.log(
    `aim: RSA issuance within 2x of the raw RSA sign rate -> ${(rsaSign / rsaCsr).toFixed(2)}x ${rsaSign / rsaCsr <= 2 ? '(met)' : '(NOT met)'}`,
  );
}

import { hasNcaFixtures, hasTool, readNcaFixture, runTool, tempDir } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCrypto, getPkijsEngine } from '../../src/crypto-provider.js';
import { toPem } from '../../src/der/encoding.js';
import type { KeyUsageName } from '../../src/profiles/profile.js';
import { verifyChain } from '../../src/x509/chain.js';
import { encodeName } from '../../src/x509/name.js';

// ---------------------------------------------------------------------------------------------
// A small certificate factory (pkijs + WebCrypto), independent of the package's issuance code.
// ---------------------------------------------------------------------------------------------

type Alg = 'RSA' | 'P-256' | 'P-384';

async function keyPair(alg: Alg): Promise<CryptoKeyPair> {
  const params =
    alg === 'RSA'
      ? {
          name: 'RSASSA-PKCS1-v1_5',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: 'SHA-256',
        }
      : { name: 'ECDSA', namedCurve: alg };
  return (await getCrypto().subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
}

interface Issued {
  der: Uint8Array;
  name: string;
  keys: CryptoKeyPair;
  ski: Uint8Array;
}

interface Spec {
  name: string;
  keys: CryptoKeyPair;
  /** The issuer; absent = self-signed. */
  issuer?: Issued;
  /** Claimed issuer name (default: the issuer's name). */
  issuerName?: string;
  /** basicConstraints: CA with optional path length, `false` = present with cA FALSE, absent = none. */
  ca?: { pathLength?: number } | false;
  keyUsage?: KeyUsageName[];
  notBefore?: Date;
  notAfter?: Date;
  /** Include authorityKeyIdentifier (default true). */
  aki?: boolean;
  extra?: pkijs.Extension[];
  serial?: number;
}

const KU_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

function keyUsageValue(names: KeyUsageName[]): asn1js.BitString {
  const bits = names.map((n) => KU_BITS.indexOf(n));
  const last = Math.max(...bits);
  const bytes = new Uint8Array((last >> 3) + 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return new asn1js.BitString({ valueHex: bytes.buffer, unusedBits: 7 - (last & 7) });
}

const ext = (extnID: string, critical: boolean, value: asn1js.AsnType) =>
  new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });

async function issue(spec: Spec): Promise<Issued> {
  const engine = getPkijsEngine();
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: spec.serial ?? 1 + Math.floor(Math.random() * 1e9) });
  cert.subject = encodeName([
    { type: '2.5.4.3', value: spec.name },
    { type: '2.5.4.6', value: 'KZ' },
  ]);
  const issuerName = spec.issuerName ?? spec.issuer?.name ?? spec.name;
  cert.issuer = encodeName([
    { type: '2.5.4.3', value: issuerName },
    { type: '2.5.4.6', value: 'KZ' },
  ]);
  cert.notBefore.value = spec.notBefore ?? new Date('2024-01-01T00:00:00Z');
  cert.notAfter.value = spec.notAfter ?? new Date('2034-01-01T00:00:00Z');
  await cert.subjectPublicKeyInfo.importKey(spec.keys.publicKey, engine);
  const ski = new Uint8Array(
    await getCrypto().subtle.digest(
      'SHA-1',
      cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as BufferSource,
    ),
  );
  const extensions = [ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: ski.buffer }))];
  const parentSki = spec.issuer?.ski ?? ski;
  if (spec.aki !== false) {
    extensions.push(
      ext(
        '2.5.29.35',
        false,
        new pkijs.AuthorityKeyIdentifier({
          keyIdentifier: new asn1js.OctetString({ valueHex: parentSki.slice().buffer }),
        }).toSchema(),
      ),
    );
  }
  if (spec.ca !== undefined) {
    const bc =
      spec.ca === false
        ? new pkijs.BasicConstraints({ cA: false })
        : new pkijs.BasicConstraints({
            cA: true,
            ...(spec.ca.pathLength !== undefined ? { pathLenConstraint: spec.ca.pathLength } : {}),
          });
    extensions.push(ext('2.5.29.19', true, bc.toSchema()));
  }
  if (spec.keyUsage) extensions.push(ext('2.5.29.15', true, keyUsageValue(spec.keyUsage)));
  extensions.push(...(spec.extra ?? []));
  cert.extensions = extensions;
  const signer = spec.issuer?.keys.privateKey ?? spec.keys.privateKey;
  const hash = (signer.algorithm as EcKeyAlgorithm).namedCurve === 'P-384' ? 'SHA-384' : 'SHA-256';
  await cert.sign(signer, hash, engine);
  return { der: new Uint8Array(cert.toSchema(true).toBER(false)), name: spec.name, keys: spec.keys, ski };
}

const CA_KU: KeyUsageName[] = ['keyCertSign', 'cRLSign'];
const EE_KU: KeyUsageName[] = ['digitalSignature', 'keyEncipherment'];
const AT = new Date('2026-01-01T00:00:00Z');

/** Flips one bit of the signature (the last byte of the certificate). */
function tamperSignature(der: Uint8Array): Uint8Array {
  const out = der.slice();
  out[out.length - 1]! ^= 0x01;
  return out;
}

/** Changes the case of the first letter of `text` inside the TBS, leaving the signature as it was. */
function tamperTbs(der: Uint8Array, text: string): Uint8Array {
  const out = der.slice();
  const needle = new TextEncoder().encode(text);
  let found = -1;
  for (let i = 0; i + needle.length <= out.length && found < 0; i++) {
    if (needle.every((b, j) => out[i + j] === b)) found = i;
  }
  expect(found).toBeGreaterThan(0);
  out[found]! ^= 0x20; // ASCII case bit
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('verifyChain on chains built here', () => {
  const k: Record<string, CryptoKeyPair> = {};
  let rsaRoot: Issued;
  let rsaCa: Issued;
  let rsaLeaf: Issued;
  let ecRoot: Issued;
  let ecCa: Issued;
  let ecLeaf: Issued;

  beforeAll(async () => {
    const [rsa1, rsa2, rsa3, ...ec] = await Promise.all([
      keyPair('RSA'),
      keyPair('RSA'),
      keyPair('RSA'),
      ...Array.from({ length: 8 }, () => keyPair('P-256')),
      keyPair('P-384'),
    ]);
    Object.assign(k, { rsa1, rsa2, rsa3 });
    ec.forEach((pair, i) => {
      k[`ec${i}`] = pair;
    });
    rsaRoot = await issue({ name: 'Root RSA', keys: k.rsa1!, ca: {}, keyUsage: CA_KU });
    rsaCa = await issue({
      name: 'Issuing RSA',
      keys: k.rsa2!,
      issuer: rsaRoot,
      ca: { pathLength: 0 },
      keyUsage: CA_KU,
    });
    rsaLeaf = await issue({ name: 'ТЕСТОВ ТЕСТ', keys: k.rsa3!, issuer: rsaCa, keyUsage: EE_KU });
    ecRoot = await issue({ name: 'Root P-384', keys: k.ec8!, ca: {}, keyUsage: CA_KU });
    ecCa = await issue({
      name: 'Issuing P-256',
      keys: k.ec0!,
      issuer: ecRoot,
      ca: { pathLength: 0 },
      keyUsage: CA_KU,
    });
    ecLeaf = await issue({ name: 'Leaf P-256', keys: k.ec1!, issuer: ecCa, keyUsage: ['digitalSignature'] });
  }, 60_000);

  it('accepts a valid RSA chain and returns it leaf first', async () => {
    const r = await verifyChain({
      certificate: rsaLeaf.der,
      intermediates: [rsaCa.der],
      trustAnchors: [rsaRoot.der],
      at: AT,
    });
    expect(r).toMatchObject({ valid: true });
    expect(r.chain.map((c) => c.subject)).toEqual([
      'C=KZ,CN=ТЕСТОВ ТЕСТ',
      'C=KZ,CN=Issuing RSA',
      'C=KZ,CN=Root RSA',
    ]);
    expect(r.chain[0]!.der).toEqual(rsaLeaf.der);
    expect(r.chain[1]!.issuer).toBe('C=KZ,CN=Root RSA');
  });

  it('accepts a valid ECDSA chain (P-384 root, P-256 issuing CA and leaf)', async () => {
    const r = await verifyChain({
      certificate: ecLeaf.der,
      intermediates: [ecCa.der],
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r.valid).toBe(true);
    expect(r.chain).toHaveLength(3);
  });

  it('accepts PEM input, ignores unrelated intermediates and finds the path in any order', async () => {
    const r = await verifyChain({
      certificate: toPem(ecLeaf.der, 'CERTIFICATE'),
      intermediates: [rsaCa.der, rsaLeaf.der, toPem(ecCa.der, 'CERTIFICATE')],
      trustAnchors: [rsaRoot.der, ecRoot.der],
      at: AT,
    });
    expect(r.valid).toBe(true);
    expect(r.chain.map((c) => c.subject)).toEqual([
      'C=KZ,CN=Leaf P-256',
      'C=KZ,CN=Issuing P-256',
      'C=KZ,CN=Root P-384',
    ]);
  });

  it('accepts a trust anchor on its own and a directly trusted issuing CA', async () => {
    expect((await verifyChain({ certificate: rsaRoot.der, trustAnchors: [rsaRoot.der], at: AT })).valid).toBe(
      true,
    );
    const r = await verifyChain({ certificate: rsaLeaf.der, trustAnchors: [rsaCa.der], at: AT });
    expect(r.valid).toBe(true);
    expect(r.chain).toHaveLength(2);
  });

  it('reports a tampered signature as "signature"', async () => {
    for (const [leaf, ca, root] of [
      [rsaLeaf, rsaCa, rsaRoot],
      [ecLeaf, ecCa, ecRoot],
    ] as const) {
      const r = await verifyChain({
        certificate: tamperSignature(leaf.der),
        intermediates: [ca.der],
        trustAnchors: [root.der],
        at: AT,
      });
      expect(r).toMatchObject({ valid: false, reason: 'signature', index: 0 });
    }
    // The subject CN "Leaf P-256" becomes "leaf P-256".
    const r = await verifyChain({
      certificate: tamperTbs(ecLeaf.der, 'Leaf P-256'),
      intermediates: [ecCa.der],
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r).toMatchObject({ valid: false, reason: 'signature', index: 0 });
  });

  it('reports a tampered intermediate at its index', async () => {
    const r = await verifyChain({
      certificate: ecLeaf.der,
      intermediates: [tamperSignature(ecCa.der)],
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r).toMatchObject({ valid: false, reason: 'signature', index: 1 });
    expect(r.chain).toHaveLength(3);
  });

  it('reports a certificate signed by another key than its named issuer as "signature"', async () => {
    // Same issuer name, no AKI to tell them apart, signed by the wrong key.
    const impostor = { ...ecCa, keys: k.ec2! };
    const leaf = await issue({ name: 'Wrong', keys: k.ec3!, issuer: impostor, aki: false });
    const r = await verifyChain({
      certificate: leaf.der,
      intermediates: [ecCa.der],
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r).toMatchObject({ valid: false, reason: 'signature', index: 0 });
  });

  it('backtracks over issuers with the same name to the one whose key verifies', async () => {
    const twin = await issue({
      name: 'Issuing P-256',
      keys: k.ec4!,
      issuer: ecRoot,
      ca: { pathLength: 0 },
      keyUsage: CA_KU,
    });
    const leaf = await issue({ name: 'Leaf of twin', keys: k.ec3!, issuer: twin, aki: false });
    const r = await verifyChain({
      certificate: leaf.der,
      intermediates: [ecCa.der, twin.der],
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r.valid).toBe(true);
    expect(r.chain[1]!.der).toEqual(twin.der);
  });

  it('reports a missing issuer as "no-issuer" and a foreign root as "untrusted"', async () => {
    expect(await verifyChain({ certificate: ecLeaf.der, trustAnchors: [ecRoot.der], at: AT })).toMatchObject({
      valid: false,
      reason: 'no-issuer',
      index: 0,
    });
    const named = await issue({ name: 'Orphan', keys: k.ec3!, issuer: ecCa, issuerName: 'Nobody' });
    expect(
      await verifyChain({
        certificate: named.der,
        intermediates: [ecCa.der],
        trustAnchors: [ecRoot.der],
        at: AT,
      }),
    ).toMatchObject({ valid: false, reason: 'no-issuer' });
    const r = await verifyChain({
      certificate: ecLeaf.der,
      intermediates: [ecCa.der, ecRoot.der],
      trustAnchors: [rsaRoot.der],
      at: AT,
    });
    expect(r).toMatchObject({ valid: false, reason: 'untrusted', index: 2 });
    expect(await verifyChain({ certificate: ecLeaf.der, trustAnchors: [], at: AT })).toMatchObject({
      reason: 'no-issuer',
    });
  });

  it('reports validity problems as "expired" and "not-yet-valid"', async () => {
    const args = { certificate: rsaLeaf.der, intermediates: [rsaCa.der], trustAnchors: [rsaRoot.der] };
    expect(await verifyChain({ ...args, at: new Date('2035-01-01T00:00:00Z') })).toMatchObject({
      reason: 'expired',
      index: 0,
    });
    expect(await verifyChain({ ...args, at: new Date('2023-12-31T23:59:59Z') })).toMatchObject({
      reason: 'not-yet-valid',
      index: 0,
    });
    const shortCa = await issue({
      name: 'Short CA',
      keys: k.ec5!,
      issuer: ecRoot,
      ca: {},
      keyUsage: CA_KU,
      notAfter: new Date('2025-06-01T00:00:00Z'),
    });
    const leaf = await issue({ name: 'Leaf', keys: k.ec3!, issuer: shortCa });
    expect(
      await verifyChain({
        certificate: leaf.der,
        intermediates: [shortCa.der],
        trustAnchors: [ecRoot.der],
        at: AT,
      }),
    ).toMatchObject({
      reason: 'expired',
      index: 1,
    });
    expect(
      await verifyChain({
        certificate: leaf.der,
        intermediates: [shortCa.der],
        trustAnchors: [ecRoot.der],
        at: new Date('2025-01-01'),
      }),
    ).toMatchObject({
      valid: true,
    });
  });

  it('reports an issuer that is not a CA as "not-ca"', async () => {
    const ee = await issue({
      name: 'Not a CA',
      keys: k.ec5!,
      issuer: ecCa,
      keyUsage: ['digitalSignature', 'keyCertSign'],
    });
    const leaf = await issue({ name: 'Leaf of EE', keys: k.ec3!, issuer: ee });
    expect(
      await verifyChain({
        certificate: leaf.der,
        intermediates: [ee.der, ecCa.der],
        trustAnchors: [ecRoot.der],
        at: AT,
      }),
    ).toMatchObject({
      valid: false,
      reason: 'not-ca',
      index: 1,
    });
    const explicit = await issue({
      name: 'cA false',
      keys: k.ec6!,
      issuer: ecRoot,
      ca: false,
      keyUsage: CA_KU,
    });
    const leaf2 = await issue({ name: 'Leaf of cA false', keys: k.ec3!, issuer: explicit });
    expect(
      await verifyChain({
        certificate: leaf2.der,
        intermediates: [explicit.der],
        trustAnchors: [ecRoot.der],
        at: AT,
      }),
    ).toMatchObject({
      reason: 'not-ca',
      index: 1,
    });
  });

  it('reports an issuer without keyCertSign as "key-usage"', async () => {
    const ca = await issue({
      name: 'CRL only',
      keys: k.ec5!,
      issuer: ecRoot,
      ca: {},
      keyUsage: ['cRLSign', 'digitalSignature'],
    });
    const leaf = await issue({ name: 'Leaf', keys: k.ec3!, issuer: ca });
    expect(
      await verifyChain({
        certificate: leaf.der,
        intermediates: [ca.der],
        trustAnchors: [ecRoot.der],
        at: AT,
      }),
    ).toMatchObject({
      valid: false,
      reason: 'key-usage',
      index: 1,
    });
  });

  it('enforces pathLenConstraint', async () => {
    // root -> ca1 (pathLen 0) -> ca2 -> leaf: ca1 allows no CA below it.
    const ca2 = await issue({ name: 'Sub CA', keys: k.ec5!, issuer: ecCa, ca: {}, keyUsage: CA_KU });
    const leaf = await issue({ name: 'Deep leaf', keys: k.ec3!, issuer: ca2 });
    const r = await verifyChain({
      certificate: leaf.der,
      intermediates: [ca2.der, ecCa.der],
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r).toMatchObject({ valid: false, reason: 'path-length', index: 2 });
    expect(r.chain.map((c) => c.subject)).toEqual([
      'C=KZ,CN=Deep leaf',
      'C=KZ,CN=Sub CA',
      'C=KZ,CN=Issuing P-256',
      'C=KZ,CN=Root P-384',
    ]);
    // The same depth under a CA allowing one more level is fine.
    const ca1 = await issue({
      name: 'Issuing 1',
      keys: k.ec6!,
      issuer: ecRoot,
      ca: { pathLength: 1 },
      keyUsage: CA_KU,
    });
    const sub = await issue({
      name: 'Sub CA 2',
      keys: k.ec5!,
      issuer: ca1,
      ca: { pathLength: 0 },
      keyUsage: CA_KU,
    });
    const leaf2 = await issue({ name: 'Deep leaf 2', keys: k.ec3!, issuer: sub });
    expect(
      (
        await verifyChain({
          certificate: leaf2.der,
          intermediates: [sub.der, ca1.der],
          trustAnchors: [ecRoot.der],
          at: AT,
        })
      ).valid,
    ).toBe(true);
    // The leaf itself never counts: pathLen 0 on the direct issuer of an end-entity is fine (rsaCa).
  });

  it('rejects unknown critical extensions as "critical-extension"', async () => {
    const leaf = await issue({
      name: 'Critical',
      keys: k.ec3!,
      issuer: ecCa,
      extra: [ext('1.2.398.3.3.5', true, new asn1js.Sequence({ value: [] }))],
    });
    expect(
      await verifyChain({
        certificate: leaf.der,
        intermediates: [ecCa.der],
        trustAnchors: [ecRoot.der],
        at: AT,
      }),
    ).toMatchObject({
      reason: 'critical-extension',
      index: 0,
    });
    const fine = await issue({
      name: 'Not critical',
      keys: k.ec3!,
      issuer: ecCa,
      extra: [ext('1.2.398.3.3.5', false, new asn1js.Sequence({ value: [] }))],
    });
    expect(
      (
        await verifyChain({
          certificate: fine.der,
          intermediates: [ecCa.der],
          trustAnchors: [ecRoot.der],
          at: AT,
        })
      ).valid,
    ).toBe(true);
  });

  it('reports a malformed extension as "malformed" and bad input as typed errors', async () => {
    const malformed = [
      // extKeyUsage holding an INTEGER where the OIDs belong
      new pkijs.Extension({
        extnID: '2.5.29.37',
        critical: false,
        extnValue: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]).buffer,
      }),
      // keyUsage that is an empty OCTET STRING instead of a BIT STRING
      new pkijs.Extension({
        extnID: '2.5.29.15',
        critical: true,
        extnValue: new Uint8Array([0x04, 0x00]).buffer,
      }),
    ];
    for (const bad of malformed) {
      const leaf = await issue({ name: 'Broken', keys: k.ec3!, issuer: ecCa, extra: [bad] });
      expect(
        await verifyChain({
          certificate: leaf.der,
          intermediates: [ecCa.der],
          trustAnchors: [ecRoot.der],
          at: AT,
        }),
      ).toMatchObject({
        reason: 'malformed',
        index: 0,
      });
    }
    await expect(
      verifyChain({ certificate: 'not a certificate', trustAnchors: [ecRoot.der] }),
    ).rejects.toMatchObject({
      code: 'ERR_CERTIFICATE_INVALID',
    });
    await expect(
      verifyChain({ certificate: ecLeaf.der, trustAnchors: [ecRoot.der], at: new Date('x') }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('stays bounded with many same-named certificates and no trust anchor', { timeout: 30_000 }, async () => {
    // Self-issued certificates all named alike: every one is a candidate issuer of every other.
    const crowd = await Promise.all(
      [2, 3, 4, 5, 6, 7]
        .flatMap((i) => [k[`ec${i}`]!, k[`ec${i}`]!])
        .map((keys, i) => issue({ name: 'Crowd', keys, ca: {}, keyUsage: CA_KU, serial: i + 1 })),
    );
    const r = await verifyChain({
      certificate: crowd[0]!.der,
      intermediates: crowd.map((c) => c.der),
      trustAnchors: [ecRoot.der],
      at: AT,
    });
    expect(r.valid).toBe(false);
    expect(['untrusted', 'no-issuer']).toContain(r.valid ? '' : r.reason);
  });

  it.skipIf(!hasTool('openssl'))('agrees with openssl verify', { timeout: 60_000 }, async () => {
    const ca2 = await issue({ name: 'Sub CA', keys: k.ec5!, issuer: ecCa, ca: {}, keyUsage: CA_KU });
    const deep = await issue({ name: 'Deep leaf', keys: k.ec3!, issuer: ca2 });
    const noKcs = await issue({
      name: 'No keyCertSign',
      keys: k.ec6!,
      issuer: ecRoot,
      ca: {},
      keyUsage: ['cRLSign'],
    });
    const underNoKcs = await issue({ name: 'Leaf', keys: k.ec3!, issuer: noKcs });
    const cases: Array<[string, Issued, Issued[], Issued]> = [
      ['rsa valid', rsaLeaf, [rsaCa], rsaRoot],
      ['ec valid', ecLeaf, [ecCa], ecRoot],
      ['path length', deep, [ca2, ecCa], ecRoot],
      ['key usage', underNoKcs, [noKcs], ecRoot],
    ];
    const dir = tempDir();
    try {
      for (const [label, leaf, chain, root] of cases) {
        const ours = await verifyChain({
          certificate: leaf.der,
          intermediates: chain.map((c) => c.der),
          trustAnchors: [root.der],
          at: AT,
        });
        const r = runTool('openssl', [
          'verify',
          '-attime',
          String(AT.getTime() / 1000),
          '-CAfile',
          dir.write('root.pem', toPem(root.der, 'CERTIFICATE')),
          '-untrusted',
          dir.write('chain.pem', chain.map((c) => toPem(c.der, 'CERTIFICATE')).join('')),
          dir.write('leaf.pem', toPem(leaf.der, 'CERTIFICATE')),
        ]);
        expect(r.status === 0, `${label}: ${r.stdout}${r.stderr}`).toBe(ours.valid);
      }
    } finally {
      dir.dispose();
    }
  });
});

describe.skipIf(!hasNcaFixtures())('verifyChain on the NCA fixtures', () => {
  const f = (p: string) => readNcaFixture(p);
  const prod = () => ({
    certificate: f('ee-test/rsa_individual_auth_2018_prodchain.pem'),
    intermediates: [f('ca-prod-2015-2018/nca_rsa.crt')],
    trustAnchors: [f('ca-prod-2015-2018/root_rsa.crt')],
  });

  it('verifies the 2018 production RSA chain at 2019-02-01', async () => {
    const r = await verifyChain({ ...prod(), at: new Date('2019-02-01T00:00:00Z') });
    expect(r.valid).toBe(true);
    expect(r.chain.map((c) => c.subject)).toEqual([
      'GIVENNAME=ТЕСТОВИЧ,ST=АЛМАТЫ,L=АЛМАТЫ,C=KZ,SERIALNUMBER=IIN123456789011,SURNAME=ТЕСТОВ,CN=ТЕСТОВ ТЕСТ',
      'CN=ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA),C=KZ',
      'C=KZ,O=РМК «МЕМЛЕКЕТТІК ТЕХНИКАЛЫҚ ҚЫЗМЕТ»,CN=НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)',
    ]);
    expect(r.chain.map((c) => c.serialNumber)).toEqual([
      '157d5c497a54fd2757b38afbe0f4bc605b956c0a',
      '3576f5b31b5a6821a16fefab1212c94d938dc7ee',
      '54a51869ef8b3f15fdeaadbd47e094816b066a3b',
    ]);
  });

  it('finds the same chain expired today', async () => {
    expect(await verifyChain(prod())).toMatchObject({ valid: false, reason: 'expired', index: 0 });
  });

  it('does not verify the production certificate against the test root', async () => {
    const r = await verifyChain({
      ...prod(),
      trustAnchors: [f('ca-test/root_rsa_test.pem')],
      at: new Date('2019-02-01'),
    });
    expect(r).toMatchObject({ valid: false, reason: 'no-issuer', index: 1 });
  });

  it('verifies the RSA test chain at 2022-06-01', async () => {
    const r = await verifyChain({
      certificate: f('ee-test/rsa_individual_sign_2022.pem'),
      intermediates: [f('ca-test/nca_rsa_test.crt')],
      trustAnchors: [f('ca-test/root_rsa_test.pem')],
      at: new Date('2022-06-01T00:00:00Z'),
    });
    expect(r.valid).toBe(true);
    expect(r.chain).toHaveLength(3);
  });

  it('verifies GOST chains (GOST R 34.10-2015 and GOST 34.310-2004 through src/gost)', async () => {
    const r2015 = await verifyChain({
      certificate: f('ee-test/gost2015_treasury_client_2026.pem'),
      intermediates: [f('ca-test/nca_gost2022_test.cer')],
      trustAnchors: [f('ca-test/root_test_gost_2022.cer')],
      at: new Date('2026-06-01T00:00:00Z'),
    });
    expect(r2015).toMatchObject({ valid: true });
    expect(r2015.chain).toHaveLength(3);
    const r2004 = await verifyChain({
      certificate: f('ee-test/gost2004_ceo_sign_2022.pem'),
      intermediates: [f('ca-test/nca_gost_test.crt')],
      trustAnchors: [f('ca-test/root_gost_test.crt')],
      at: new Date('2022-06-01T00:00:00Z'),
    });
    expect(r2004).toMatchObject({ valid: true });
    expect(r2004.chain).toHaveLength(3);
  });
});

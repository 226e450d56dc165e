/**
 * The one signature module: every algorithm of the table verifies signatures made by WebCrypto and
 * by OpenSSL (an implementation we did not write), malformed input gives `false`, unknown
 * algorithms and unusable keys give typed errors.
 */
import { hasNcaFixtures, hasTool, readNcaFixture, runTool, tempDir } from '@kzpki/test-fixtures';
import { Crypto as PeculiarCrypto } from '@peculiar/webcrypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCrypto, setCryptoProvider } from '../../src/crypto-provider.js';
import { toDer, toHex } from '../../src/der/encoding.js';
import { derExplicit, derNull, derOid, derSequence, derSmallInteger } from '../../src/der/writer.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { exportSpki, generateKeyPair } from '../../src/keys/keys.js';
import {
  type HashName,
  SIGNATURE_ALGORITHMS,
  SIGNATURE_OIDS,
  signatureAlgorithmIdentifierDer,
} from '../../src/signature/algorithms.js';
import { ecdsaRawToDer } from '../../src/signature/ecdsa.js';
import { defaultSignatureAlgorithm, prepareSigner } from '../../src/signature/sign.js';
import { verifySignature } from '../../src/signature/verify.js';
import { readCertificateFields } from '../../src/x509/certificate-fields.js';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<PkiErrorCode | 'none'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'none';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

const data = new TextEncoder().encode('kzpki: one signature module');
const HASHES: HashName[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

function tampered(bytes: Uint8Array, at = 0): Uint8Array {
  const out = bytes.slice();
  out[at % out.length]! ^= 0x01;
  return out;
}

describe('the algorithm table', () => {
  it('names each OID once, and writes NULL for RSA PKCS#1 v1.5 and GOST, nothing for ECDSA', () => {
    expect(new Set(SIGNATURE_ALGORITHMS.map((a) => a.oid)).size).toBe(SIGNATURE_ALGORITHMS.length);
    // The octets every RFC 5280 certificate made by OpenSSL carries.
    expect(toHex(signatureAlgorithmIdentifierDer(SIGNATURE_OIDS.sha256WithRSAEncryption))).toBe(
      '300d06092a864886f70d01010b0500',
    );
    expect(toHex(signatureAlgorithmIdentifierDer(SIGNATURE_OIDS.ecdsaWithSHA256))).toBe(
      '300a06082a8648ce3d040302',
    );
    expect(toHex(signatureAlgorithmIdentifierDer(SIGNATURE_OIDS.gost2015_512))).toBe(
      '300e060a2a830e030a0101020302' + '0500',
    );
  });
});

describe('verifySignature with WebCrypto signatures', () => {
  const rsa: Record<string, CryptoKeyPair> = {};
  const rsaSpki: Record<string, Uint8Array> = {};
  const ec: Record<string, { keys: CryptoKeyPair; spki: Uint8Array }> = {};
  let pssKeys: CryptoKeyPair;
  let pssSpki: Uint8Array;

  beforeAll(async () => {
    const subtle = getCrypto().subtle;
    for (const hash of HASHES) {
      rsa[hash] = (await subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash },
        true,
        ['sign', 'verify'],
      )) as CryptoKeyPair;
      rsaSpki[hash] = await exportSpki(rsa[hash]!.publicKey);
    }
    for (const curve of ['P-256', 'P-384', 'P-521']) {
      const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      ec[curve] = { keys, spki: await exportSpki(keys.publicKey) };
    }
    pssKeys = (await subtle.generateKey(
      { name: 'RSA-PSS', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    pssSpki = await exportSpki(pssKeys.publicKey);
  });

  it('RSA PKCS#1 v1.5 with SHA-1/256/384/512; a changed byte gives false', async () => {
    for (const hash of HASHES) {
      const name = `sha${hash.slice(4)}WithRSAEncryption` as keyof typeof SIGNATURE_OIDS;
      const oid = SIGNATURE_OIDS[name];
      const sig = new Uint8Array(
        await getCrypto().subtle.sign('RSASSA-PKCS1-v1_5', rsa[hash]!.privateKey, data as BufferSource),
      );
      const publicKeyInfo = rsaSpki[hash]!;
      expect(await verifySignature({ data, algorithm: oid, signature: sig, publicKeyInfo }), hash).toBe(true);
      const algId = signatureAlgorithmIdentifierDer(oid);
      expect(await verifySignature({ data, algorithm: algId, signature: sig, publicKeyInfo })).toBe(true);
      expect(
        await verifySignature({ data: tampered(data), algorithm: oid, signature: sig, publicKeyInfo }),
      ).toBe(false);
      expect(
        await verifySignature({ data, algorithm: oid, signature: tampered(sig, 7), publicKeyInfo }),
      ).toBe(false);
      // Truncated or overlong signatures are malformed, not errors.
      expect(await verifySignature({ data, algorithm: oid, signature: sig.subarray(1), publicKeyInfo })).toBe(
        false,
      );
    }
  });

  it('ECDSA on P-256, P-384 and P-521 with each hash (DER Ecdsa-Sig-Value)', async () => {
    for (const curve of ['P-256', 'P-384', 'P-521']) {
      for (const hash of HASHES) {
        const raw = new Uint8Array(
          await getCrypto().subtle.sign(
            { name: 'ECDSA', hash },
            ec[curve]!.keys.privateKey,
            data as BufferSource,
          ),
        );
        const name = (hash === 'SHA-1' ? 'ecdsaWithSHA1' : `ecdsaWith${hash.replace('-', '')}`) as
          | 'ecdsaWithSHA1'
          | 'ecdsaWithSHA256';
        const input = { data, algorithm: SIGNATURE_OIDS[name], publicKeyInfo: ec[curve]!.spki };
        expect(await verifySignature({ ...input, signature: ecdsaRawToDer(raw) }), `${curve} ${hash}`).toBe(
          true,
        );
        expect(await verifySignature({ ...input, signature: tampered(ecdsaRawToDer(raw), 9) })).toBe(false);
        // The raw r||s form is not an X.509 signature value.
        expect(await verifySignature({ ...input, signature: raw })).toBe(false);
      }
    }
  });

  it('RSASSA-PSS with explicit parameters, and the RFC 4055 defaults for a bare OID', async () => {
    const pssParams = (hash: HashName, salt: number): Uint8Array => {
      const hashId = derSequence(derOid(hashOid(hash)), derNull());
      return derSequence(
        derOid(SIGNATURE_OIDS.rsassaPss),
        derSequence(
          derExplicit(0, hashId),
          derExplicit(1, derSequence(derOid('1.2.840.113549.1.1.8'), hashId)),
          derExplicit(2, derSmallInteger(salt)),
        ),
      );
    };
    const sig = new Uint8Array(
      await getCrypto().subtle.sign(
        { name: 'RSA-PSS', saltLength: 32 },
        pssKeys.privateKey,
        data as BufferSource,
      ),
    );
    const input = { data, signature: sig, publicKeyInfo: pssSpki };
    expect(await verifySignature({ ...input, algorithm: pssParams('SHA-256', 32) })).toBe(true);
    expect(await verifySignature({ ...input, algorithm: pssParams('SHA-256', 20) })).toBe(false);
    expect(
      await verifySignature({ ...input, data: tampered(data), algorithm: pssParams('SHA-256', 32) }),
    ).toBe(false);
    const sha1Keys = (await getCrypto().subtle.importKey(
      'pkcs8',
      await getCrypto().subtle.exportKey('pkcs8', pssKeys.privateKey),
      { name: 'RSA-PSS', hash: 'SHA-1' },
      false,
      ['sign'],
    )) as CryptoKey;
    const sha1Sig = new Uint8Array(
      await getCrypto().subtle.sign({ name: 'RSA-PSS', saltLength: 20 }, sha1Keys, data as BufferSource),
    );
    expect(await verifySignature({ ...input, signature: sha1Sig, algorithm: SIGNATURE_OIDS.rsassaPss })).toBe(
      true,
    );
  });

  it('property: a signature verifies for its data only', async () => {
    const key = ec['P-256']!;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(), async (msg, flip) => {
        const sig = ecdsaRawToDer(
          new Uint8Array(
            await getCrypto().subtle.sign(
              { name: 'ECDSA', hash: 'SHA-256' },
              key.keys.privateKey,
              msg as BufferSource,
            ),
          ),
        );
        const input = { algorithm: SIGNATURE_OIDS.ecdsaWithSHA256, signature: sig, publicKeyInfo: key.spki };
        expect(await verifySignature({ ...input, data: msg })).toBe(true);
        if (msg.length > 0)
          expect(await verifySignature({ ...input, data: tampered(msg, flip) })).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('AlgorithmIdentifier parameters must fit the algorithm (RFC 4055 §5, RFC 5758 §3.2)', async () => {
    const raw = new Uint8Array(
      await getCrypto().subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, ec['P-256']!.keys.privateKey, data),
    );
    const signature = ecdsaRawToDer(raw);
    const publicKeyInfo = ec['P-256']!.spki;
    const withNull = derSequence(derOid(SIGNATURE_OIDS.ecdsaWithSHA256), derNull());
    expect(await verifySignature({ data, signature, publicKeyInfo, algorithm: withNull })).toBe(false);
    expect(
      await verifySignature({ data, signature, publicKeyInfo, algorithm: Uint8Array.of(0x30, 0x03) }),
    ).toBe(false);
    // RSA identifiers without their NULL are tolerated (some encoders leave it out).
    const rsaSig = new Uint8Array(
      await getCrypto().subtle.sign('RSASSA-PKCS1-v1_5', rsa['SHA-256']!.privateKey, data as BufferSource),
    );
    const bare = derSequence(derOid(SIGNATURE_OIDS.sha256WithRSAEncryption));
    expect(
      await verifySignature({ data, signature: rsaSig, publicKeyInfo: rsaSpki['SHA-256']!, algorithm: bare }),
    ).toBe(true);
  });

  it('typed errors: unknown algorithm, a key of another family, an invalid key', async () => {
    const publicKeyInfo = ec['P-256']!.spki;
    const signature = new Uint8Array(64);
    expect(
      await codeOf(verifySignature({ data, signature, publicKeyInfo, algorithm: SIGNATURE_OIDS.ed25519 })),
    ).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(
      await codeOf(
        verifySignature({
          data,
          signature,
          publicKeyInfo,
          algorithm: SIGNATURE_OIDS.sha256WithRSAEncryption,
        }),
      ),
    ).toBe('ERR_KEY_INVALID');
    const offCurve = publicKeyInfo.slice();
    offCurve[offCurve.length - 1]! ^= 1;
    expect(
      await codeOf(
        verifySignature({
          data,
          signature,
          publicKeyInfo: offCurve,
          algorithm: SIGNATURE_OIDS.ecdsaWithSHA256,
        }),
      ),
    ).toBe('ERR_KEY_INVALID');
    expect(
      await codeOf(
        verifySignature({
          data,
          signature,
          publicKeyInfo: rsaSpki['SHA-256']!,
          algorithm: SIGNATURE_OIDS.sha256WithRSAEncryption,
          keyPolicy: { minRsaBits: 3072 },
        }),
      ),
    ).toBe('ERR_KEY_TOO_WEAK');
  });

  it('keys imported by one crypto provider are not reused with another', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ECDSA-P256');
    const signature = await prepareSigner(privateKey).sign(data);
    const input = {
      data,
      signature,
      publicKeyInfo: await exportSpki(publicKey),
      algorithm: SIGNATURE_OIDS.ecdsaWithSHA256,
    };
    expect(await verifySignature(input)).toBe(true); // cached for the Node provider
    const node = getCrypto();
    try {
      setCryptoProvider(new PeculiarCrypto() as unknown as Crypto);
      expect(await verifySignature(input)).toBe(true);
      expect(await verifySignature({ ...input, data: tampered(data) })).toBe(false);
    } finally {
      setCryptoProvider(node);
    }
    expect(await verifySignature(input)).toBe(true);
  });
});

function hashOid(hash: HashName): string {
  return {
    'SHA-1': '1.3.14.3.2.26',
    'SHA-256': '2.16.840.1.101.3.4.2.1',
    'SHA-384': '2.16.840.1.101.3.4.2.2',
    'SHA-512': '2.16.840.1.101.3.4.2.3',
  }[hash];
}

describe('defaultSignatureAlgorithm', () => {
  it('is what prepareSigner signs with: SHA-256 for RSA, the curve size hash for ECDSA', async () => {
    for (const alg of ['RSA-2048', 'ECDSA-P256', 'ECDSA-P384'] as const) {
      const keys = await generateKeyPair(alg);
      expect(defaultSignatureAlgorithm(await exportSpki(keys.publicKey)).oid, alg).toBe(
        prepareSigner(keys.privateKey).oid,
      );
    }
  });

  it.skipIf(!hasNcaFixtures())('names the GOST-2015 algorithm for an NCA GOST-2015 key', () => {
    const cert = readCertificateFields(
      toDer(new TextDecoder().decode(readNcaFixture('ee-test/gost2015_individual_2026.pem')), 'CERTIFICATE'),
    );
    expect(defaultSignatureAlgorithm(cert.spki).oid).toBe(SIGNATURE_OIDS.gost2015_512);
  });
});

describe.skipIf(!hasNcaFixtures())('GOST signatures of the NCA', () => {
  it('verify through the one GOST dispatch point (src/gost); a flipped bit does not', async () => {
    const f = (name: string) =>
      readCertificateFields(toDer(new TextDecoder().decode(readNcaFixture(name)), 'CERTIFICATE'));
    const ee = f('ee-test/gost2015_individual_2026.pem');
    const ca = readCertificateFields(readNcaFixture('ca-test/nca_gost2022_test.cer'));
    const input = {
      data: ee.tbs,
      algorithm: ee.signatureAlgorithm,
      signature: ee.signature,
      publicKeyInfo: ca.spki,
    };
    expect(await verifySignature(input)).toBe(true);
    const signature = input.signature.slice();
    signature[17]! ^= 0x20;
    expect(await verifySignature({ ...input, signature })).toBe(false);
  });
});

describe.skipIf(!hasTool('openssl'))('verifySignature on certificates signed by OpenSSL', () => {
  const tmp = tempDir('kzpki-verify-');
  afterAll(() => tmp.dispose());

  const cases: [string, string[]][] = [
    ['RSA SHA-1', ['-newkey', 'rsa:2048', '-sha1']],
    ['RSA SHA-384', ['-newkey', 'rsa:2048', '-sha384']],
    ['RSA SHA-512', ['-newkey', 'rsa:3072', '-sha512']],
    [
      'RSASSA-PSS SHA-256 salt 32',
      ['-newkey', 'rsa:2048', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
    ],
    [
      'RSASSA-PSS SHA-512 salt 64',
      ['-newkey', 'rsa:2048', '-sha512', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:64'],
    ],
    [
      'RSASSA-PSS key (id-RSASSA-PSS SubjectPublicKeyInfo)',
      ['-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048'],
    ],
    ['ECDSA P-256 SHA-1', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha1']],
    ['ECDSA P-384 SHA-512', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha512']],
    ['ECDSA P-521 SHA-512', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521', '-sha512']],
  ];

  it.each(cases)('%s', async (name, args) => {
    const file = `${name.replace(/\W+/g, '_')}.pem`;
    const r = runTool('openssl', [
      'req',
      '-x509',
      ...args,
      '-nodes',
      '-keyout',
      `${tmp.dir}/${file}.key`,
      '-subj',
      '/CN=kzpki verify test',
      '-days',
      '1',
      '-out',
      `${tmp.dir}/${file}`,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const pem = runTool('openssl', ['x509', '-in', `${tmp.dir}/${file}`]).stdout;
    const cert = readCertificateFields(pem);
    const input = {
      data: cert.tbs,
      algorithm: cert.signatureAlgorithm,
      signature: cert.signature,
      publicKeyInfo: cert.spki,
    };
    expect(await verifySignature(input)).toBe(true);
    expect(await verifySignature({ ...input, data: tampered(cert.tbs, 40) })).toBe(false);
  });
});

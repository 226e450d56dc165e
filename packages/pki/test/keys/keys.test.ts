import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCrypto } from '../../src/crypto-provider.js';
import { fromHex, toHex, toPem } from '../../src/der/encoding.js';
import {
  derImplicitConstructed,
  derOctetString,
  derOid,
  derSequence,
  derSmallInteger,
} from '../../src/der/writer.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { KEY_ALGORITHM_OIDS, type KeyAlgorithmName } from '../../src/keys/key-algorithm.js';
import { exportPkcs8, exportSpki, generateKeyPair, importPkcs8, importSpki } from '../../src/keys/keys.js';
import { keyAlgorithmOf, parseSpki, spkiSubjectPublicKey } from '../../src/keys/public-key.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { subjectKeyIdentifier } from '../../src/x509/ski.js';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<PkiErrorCode | 'OK'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'OK';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

async function signsAndVerifies(privateKey: CryptoKey, publicKey: CryptoKey): Promise<boolean> {
  const data = new TextEncoder().encode('kzpki');
  const params =
    privateKey.algorithm.name === 'ECDSA'
      ? { name: 'ECDSA', hash: 'SHA-256' }
      : { name: privateKey.algorithm.name };
  const sig = await getCrypto().subtle.sign(params, privateKey, data);
  return getCrypto().subtle.verify(params, publicKey, sig, data);
}

const ALGS: KeyAlgorithmName[] = ['RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256', 'ECDSA-P384'];

describe('generateKeyPair', () => {
  const pairs = new Map<KeyAlgorithmName, CryptoKeyPair>();
  beforeAll(async () => {
    for (const alg of ALGS) pairs.set(alg, await generateKeyPair(alg));
  }, 60_000);

  it.each(ALGS)('%s: the requested algorithm, named the same from the key and from its SPKI', async (alg) => {
    const { publicKey, privateKey } = pairs.get(alg)!;
    expect(keyAlgorithmOf(publicKey)).toBe(alg);
    expect(keyAlgorithmOf(privateKey)).toBe(alg);
    const spki = await exportSpki(publicKey);
    expect(keyAlgorithmOf(spki)).toBe(alg);
    expect(keyAlgorithmOf(toPem(spki, 'PUBLIC KEY'))).toBe(alg);
    expect(privateKey.extractable).toBe(true);
    expect(privateKey.usages).toEqual(['sign']);
    expect(publicKey.usages).toEqual(['verify']);
  });

  it('RSA keys are RSASSA-PKCS1-v1_5 with SHA-256 and exponent 65537', () => {
    for (const alg of ['RSA-2048', 'RSA-3072', 'RSA-4096'] as const) {
      const a = pairs.get(alg)!.publicKey.algorithm as RsaHashedKeyAlgorithm;
      expect(a.name).toBe('RSASSA-PKCS1-v1_5');
      expect(a.hash.name).toBe('SHA-256');
      expect(toHex(a.publicExponent)).toBe('010001');
      expect(a.modulusLength).toBe(Number(alg.slice(4)));
    }
  });

  it.each(ALGS)('%s: PKCS#8 round trip; the algorithm is detected from the PKCS#8', async (alg) => {
    const { publicKey, privateKey } = pairs.get(alg)!;
    const pkcs8 = await exportPkcs8(privateKey);
    const back = await importPkcs8(pkcs8);
    expect(keyAlgorithmOf(back)).toBe(alg);
    expect(await signsAndVerifies(back, publicKey)).toBe(true);
    // PEM and the explicit algorithm too
    const fromPem = await importPkcs8(toPem(pkcs8, 'PRIVATE KEY'), alg, { extractable: false });
    expect(fromPem.extractable).toBe(false);
    expect(await signsAndVerifies(fromPem, publicKey)).toBe(true);
  });

  it.each(ALGS)('%s: SPKI round trip', async (alg) => {
    const { publicKey, privateKey } = pairs.get(alg)!;
    const spki = await exportSpki(publicKey);
    const back = await importSpki(spki);
    expect(await signsAndVerifies(privateKey, back)).toBe(true);
    expect(await exportSpki(back)).toEqual(spki);
  });

  it('non-extractable keys cannot be exported', async () => {
    const { privateKey } = await generateKeyPair('ECDSA-P256', { extractable: false });
    expect(await codeOf(exportPkcs8(privateKey))).toBe('ERR_KEY_INVALID');
  });

  it('rejects a key of the wrong algorithm or kind', async () => {
    const pkcs8 = await exportPkcs8(pairs.get('ECDSA-P256')!.privateKey);
    expect(await codeOf(importPkcs8(pkcs8, 'ECDSA-P384'))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(importPkcs8(pkcs8, 'RSA-2048'))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(exportPkcs8(pairs.get('ECDSA-P256')!.publicKey))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(exportSpki(pairs.get('ECDSA-P256')!.privateKey))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(generateKeyPair('RSA-1024' as KeyAlgorithmName))).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it('imports an EC PKCS#8 whose curve is named only inside ECPrivateKey (RFC 5915 parameters [0])', async () => {
    const { publicKey, privateKey } = pairs.get('ECDSA-P384')!;
    const pkcs8 = await exportPkcs8(privateKey);
    // Take d out of the WebCrypto export and re-wrap it the other way round.
    const outer = asn1js.fromBER(pkcs8).result as asn1js.Sequence;
    const inner = asn1js.fromBER((outer.valueBlock.value[2] as asn1js.OctetString).valueBlock.valueHexView)
      .result as asn1js.Sequence;
    const d = new Uint8Array((inner.valueBlock.value[1] as asn1js.OctetString).valueBlock.valueHexView);
    const ecPrivateKey = derSequence(
      derSmallInteger(1),
      derOctetString(d),
      derImplicitConstructed(0, derOid(KEY_ALGORITHM_OIDS.secp384r1)),
    );
    const noParams = derSequence(
      derSmallInteger(0),
      derSequence(derOid(KEY_ALGORITHM_OIDS.ecPublicKey)),
      derOctetString(ecPrivateKey),
    );
    const key = await importPkcs8(noParams);
    expect(keyAlgorithmOf(key)).toBe('ECDSA-P384');
    const data = new Uint8Array([1, 2, 3]);
    const sig = await getCrypto().subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, key, data);
    expect(await getCrypto().subtle.verify({ name: 'ECDSA', hash: 'SHA-384' }, publicKey, sig, data)).toBe(
      true,
    );
  });
});

describe('unsupported and malformed keys', () => {
  it('P-521 and Ed25519 keys are refused by name', async () => {
    const p521 = (await getCrypto().subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const spki521 = new Uint8Array(await getCrypto().subtle.exportKey('spki', p521.publicKey));
    const pkcs8521 = new Uint8Array(await getCrypto().subtle.exportKey('pkcs8', p521.privateKey));
    expect(await codeOf(() => parseSpki(spki521))).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(await codeOf(() => keyAlgorithmOf(p521.publicKey))).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(await codeOf(importPkcs8(pkcs8521))).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(await codeOf(importSpki(spki521))).toBe('ERR_UNSUPPORTED_ALGORITHM');

    const ed = (await getCrypto().subtle.generateKey({ name: 'Ed25519' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const edSpki = new Uint8Array(await getCrypto().subtle.exportKey('spki', ed.publicKey));
    const edPkcs8 = new Uint8Array(await getCrypto().subtle.exportKey('pkcs8', ed.privateKey));
    expect(await codeOf(() => parseSpki(edSpki))).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(await codeOf(importPkcs8(edPkcs8))).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(await codeOf(() => keyAlgorithmOf(ed.publicKey))).toBe('ERR_UNSUPPORTED_ALGORITHM');
    // A key identifier does not depend on the algorithm.
    expect((await subjectKeyIdentifier(edSpki)).length).toBe(20);
  });

  it('names RSA keys of other sizes RSA-<bits>', async () => {
    const k = (await getCrypto().subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    expect(keyAlgorithmOf(k.publicKey)).toBe('RSA-1024');
    expect(parseSpki(await exportSpki(k.publicKey))).toMatchObject({
      type: 'RSA',
      bits: 1024,
      algorithm: 'RSA-1024',
    });
  });

  it('encrypted and PKCS#1 / SEC 1 PEM are refused with a hint', async () => {
    for (const label of ['ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']) {
      expect(await codeOf(importPkcs8(toPem(new Uint8Array([0x30, 0]), label)))).toBe(
        'ERR_UNSUPPORTED_ALGORITHM',
      );
    }
  });

  it('garbage gives typed errors only (fuzz)', async () => {
    const spki = await exportSpki((await generateKeyPair('ECDSA-P256')).publicKey);
    const pkcs8 = await exportPkcs8((await generateKeyPair('ECDSA-P256')).privateKey);
    const allowed = new Set(['OK', 'ERR_KEY_INVALID', 'ERR_UNSUPPORTED_ALGORITHM']);
    const mutate = (base: Uint8Array) =>
      fc
        .tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(base.length))
        .map(([i, v, cut]) => {
          const m = base.slice(0, Math.max(cut, i + 1));
          m[i] = v;
          return m;
        });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutate(spki)), async (bytes) => {
        expect(allowed.has(await codeOf(() => parseSpki(bytes)))).toBe(true);
        expect(allowed.has(await codeOf(importSpki(bytes)))).toBe(true);
        expect(allowed.has(await codeOf(subjectKeyIdentifier(bytes)))).toBe(true);
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutate(pkcs8)), async (bytes) => {
        expect(allowed.has(await codeOf(importPkcs8(bytes)))).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(await codeOf(importPkcs8('not a key'))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(() => parseSpki(new Uint8Array()))).toBe('ERR_KEY_INVALID');
  });
});

describe('subjectKeyIdentifier (RFC 5280 §4.2.1.2 method 1)', () => {
  it('is SHA-1 of the subjectPublicKey bits (a CryptoKey and its SPKI agree)', async () => {
    const { publicKey } = await generateKeyPair('ECDSA-P256');
    const spki = await exportSpki(publicKey);
    const expected = new Uint8Array(
      await getCrypto().subtle.digest('SHA-1', spki.subarray(spki.length - 65) as BufferSource),
    );
    expect(await subjectKeyIdentifier(publicKey)).toEqual(expected);
    expect(await subjectKeyIdentifier(spki)).toEqual(expected);
    expect(spkiSubjectPublicKey(spki)[0]).toBe(4); // the uncompressed point
  });

  it('spki-sha1 is SHA-1 of the whole SubjectPublicKeyInfo', async () => {
    const spki = await exportSpki((await generateKeyPair('ECDSA-P256')).publicKey);
    const expected = new Uint8Array(await getCrypto().subtle.digest('SHA-1', spki as BufferSource));
    expect(await subjectKeyIdentifier(spki, 'spki-sha1')).toEqual(expected);
    expect(await subjectKeyIdentifier(toPem(spki, 'PUBLIC KEY'), 'spki-sha1')).toEqual(expected);
    expect(await codeOf(subjectKeyIdentifier(spki, 'md5' as 'rfc5280'))).toBe('ERR_INVALID_ARGUMENT');
  });

  describe.skipIf(!hasNcaFixtures())('NCA fixtures', () => {
    // Which method the NCA used, found by recomputing every fixture's SKI: its RSA end-entity and
    // GOST-2004 certificates hash the whole SPKI; CA certificates and the GOST-2015 generation use
    // RFC 5280 method 1.
    const certs: [string, 'rfc5280' | 'spki-sha1'][] = [
      ['ee-test/rsa_individual_auth_2022.pem', 'spki-sha1'],
      ['ee-test/rsa_individual_sign_2022.pem', 'spki-sha1'],
      ['ee-test/rsa_individual_auth_2018_prodchain.pem', 'spki-sha1'],
      ['ee-test/gost2004_ceo_sign_2022.pem', 'spki-sha1'],
      ['ee-test/gost2015_individual_2026.pem', 'rfc5280'],
      ['ee-test/gost2015_ceo_2026.pem', 'rfc5280'],
      ['ca-test/nca_rsa_test.crt', 'rfc5280'],
      ['ca-test/nca_gost2022_test.cer', 'rfc5280'],
      ['ca-prod-2015-2018/root_rsa.crt', 'rfc5280'],
    ];
    it.each(certs)('%s: the SKI extension is the %s key identifier', async (file, method) => {
      const cert = parseCertificate(readNcaFixture(file));
      const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
      const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.14');
      const value = asn1js.fromBER(ext!.extnValue.valueBlock.valueHexView).result as asn1js.OctetString;
      const other = method === 'rfc5280' ? 'spki-sha1' : 'rfc5280';
      expect(toHex(await subjectKeyIdentifier(spki, method))).toBe(toHex(value.valueBlock.valueHexView));
      expect(toHex(await subjectKeyIdentifier(spki, other))).not.toBe(toHex(value.valueBlock.valueHexView));
    });

    it('names the NCA key file: AUTH_RSA256_<ski>.p12', async () => {
      // The certificate extracted from AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12.
      const cert = parseCertificate(readNcaFixture('ee-test/rsa_individual_auth_2018_prodchain.pem'));
      const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
      expect(await subjectKeyIdentifier(spki, 'spki-sha1')).toEqual(
        fromHex('6b361b864c679601b652fe387f61fcd9303c0327'),
      );
      expect(keyAlgorithmOf(spki)).toBe('RSA-2048');
    });

    it('reads the production NCA CA key as RSA-4096', () => {
      const cert = parseCertificate(readNcaFixture('ca-prod-2015-2018/nca_rsa.crt'));
      expect(keyAlgorithmOf(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false)))).toBe(
        'RSA-4096',
      );
    });
  });
});

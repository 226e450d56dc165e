/**
 * Reading CRLs (RFC 5280 §5) of any size: one pass over the DER validates the structure and
 * records where each entry starts, and a compact open-addressing hash table over the serials gives
 * constant-time {@link CrlInfo.find}. Entries are decoded into objects only when asked for, so a
 * 1M-entry CRL costs a few typed arrays, not a million asn1js trees.
 *
 * ```asn1
 * CertificateList  ::=  SEQUENCE  {
 *      tbsCertList          TBSCertList,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 *
 * TBSCertList  ::=  SEQUENCE  {
 *      version                 Version OPTIONAL,
 *      signature               AlgorithmIdentifier,
 *      issuer                  Name,
 *      thisUpdate              Time,
 *      nextUpdate              Time OPTIONAL,
 *      revokedCertificates     SEQUENCE OF SEQUENCE  {
 *           userCertificate         CertificateSerialNumber,
 *           revocationDate          Time,
 *           crlEntryExtensions      Extensions OPTIONAL }  OPTIONAL,
 *      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
 * ```
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { type BytesLike, toArrayBuffer, toHex } from '../der/encoding.js';
import {
  contextTag,
  DER_TAG,
  type DerElement,
  DerReader,
  derInput,
  readExtensions,
  withDerErrors,
} from '../der/reader.js';
import { type SerialInput, serialHexFromContent, serialMagnitudeInto } from '../der/serial.js';
import { derOid } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { EXTENSION_OIDS } from '../x509/extension-oids.js';
import { type CrlReason, crlReasonFromCode } from './reason.js';

/** One revoked certificate read from a CRL. */
export interface CrlEntry {
  /** Canonical serial hex (lower case, no sign octet; see `normalizeSerialHex`). */
  serialHex: string;
  /** revocationDate. */
  revocationDate: Date;
  /** reasonCode; absent when the entry has none (which means unspecified). */
  reason?: CrlReason;
  /** invalidityDate, when present. */
  invalidityDate?: Date;
  /** OIDs of entry extensions other than reasonCode and invalidityDate. */
  otherExtensions?: string[];
}

/** A CRL extension as listed in {@link CrlInfo.extensions}. */
export interface CrlExtensionInfo {
  /** extnID. */
  oid: string;
  /** critical flag. */
  critical: boolean;
}

/** A parsed CRL. Byte fields are views into `der`. */
export interface CrlInfo {
  /** The whole CRL. */
  der: Uint8Array;
  /** tbsCertList, the signed part. */
  tbs: Uint8Array;
  /** 1 or 2. */
  version: number;
  /** OID of the outer signatureAlgorithm. */
  signatureAlgorithm: string;
  /** The outer signatureAlgorithm TLV. */
  signatureAlgorithmDer: Uint8Array;
  /** The TBS `signature` AlgorithmIdentifier TLV (RFC 5280 §5.1.2.2: must equal the outer one). */
  tbsSignatureAlgorithmDer: Uint8Array;
  /** signatureValue bits. */
  signature: Uint8Array;
  /** The issuer Name (pass it to `decodeName` / `formatName` for text). */
  issuer: pkijs.RelativeDistinguishedNames;
  /** The issuer Name exactly as encoded. */
  issuerDer: Uint8Array;
  /** thisUpdate. */
  thisUpdate: Date;
  /** nextUpdate, when present. */
  nextUpdate?: Date;
  /** cRLNumber, when present. */
  crlNumber?: bigint;
  /** BaseCRLNumber of the deltaCRLIndicator: present exactly when this is a delta CRL. */
  baseCrlNumber?: bigint;
  /** `true` for a delta CRL. */
  isDelta: boolean;
  /** keyIdentifier of the authorityKeyIdentifier extension, hex. */
  authorityKeyId?: string;
  /** URIs of the freshestCRL extension (where the delta CRL is). */
  freshestCrlUrls: string[];
  /** All CRL extensions. */
  extensions: CrlExtensionInfo[];
  /**
   * OIDs of critical CRL or entry extensions this parser does not evaluate (e.g.
   * issuingDistributionPoint, certificateIssuer of indirect CRLs). RFC 5280 §5.2: such a CRL must
   * not be used to decide the status of a certificate; callers that rely on it should check this
   * is empty.
   */
  unsupportedCriticalExtensions: string[];
  /** Number of revoked certificates. */
  entryCount: number;
  /** All entries, decoded on first access (costly for very large CRLs: prefer {@link find}). */
  readonly entries: readonly CrlEntry[];
  /** The entry for a serial (hex text or bytes, any case, with or without leading zeros). */
  find(serial: SerialInput): CrlEntry | undefined;
  /** The `index`-th entry, in CRL order. */
  entryAt(index: number): CrlEntry;
}

const OID = EXTENSION_OIDS;

/** CRL extensions this parser understands (anything else that is critical is reported). */
const KNOWN_CRL_EXTENSIONS = new Set<string>([
  OID.authorityKeyIdentifier,
  OID.cRLNumber,
  OID.deltaCRLIndicator,
  OID.freshestCRL,
  OID.issuerAltName,
  OID.authorityInfoAccess,
  OID.expiredCertsOnCRL,
]);

/** Content octets of the entry-extension OIDs (2.5.29.21 reasonCode, 2.5.29.24 invalidityDate). */
const REASON_OID = [...derOid(OID.reasonCode).subarray(2)];
const INVALIDITY_OID = [...derOid(OID.invalidityDate).subarray(2)];

function sameBytes(b: Uint8Array, start: number, end: number, ref: readonly number[]): boolean {
  if (end - start !== ref.length) return false;
  for (let i = 0; i < ref.length; i++) if (b[start + i] !== ref[i]) return false;
  return true;
}

/** FNV-1a over the serial magnitude (leading zero octets skipped). */
function hashSerial(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end - 1 && b[i] === 0) i++;
  let h = 0x811c9dc5;
  for (; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function magnitudeEquals(b: Uint8Array, start: number, end: number, m: Uint8Array, n: number): boolean {
  let i = start;
  while (i < end && b[i] === 0) i++;
  if (end - i !== n) return false;
  for (let k = 0; k < n; k++) if (b[i + k] !== m[k]) return false;
  return true;
}

class ParsedCrl implements CrlInfo {
  der!: Uint8Array;
  tbs!: Uint8Array;
  version = 1;
  signatureAlgorithm!: string;
  signatureAlgorithmDer!: Uint8Array;
  tbsSignatureAlgorithmDer!: Uint8Array;
  signature!: Uint8Array;
  issuer!: pkijs.RelativeDistinguishedNames;
  issuerDer!: Uint8Array;
  thisUpdate!: Date;
  nextUpdate?: Date;
  crlNumber?: bigint;
  baseCrlNumber?: bigint;
  isDelta = false;
  authorityKeyId?: string;
  freshestCrlUrls: string[] = [];
  extensions: CrlExtensionInfo[] = [];
  unsupportedCriticalExtensions: string[] = [];
  entryCount = 0;

  readonly #r: DerReader;
  #starts: Uint32Array = new Uint32Array(0);
  #serialStarts: Uint32Array = new Uint32Array(0);
  #serialLengths: Uint8Array = new Uint8Array(0);
  #table = new Int32Array(0);
  #all: CrlEntry[] | undefined;
  readonly #scratch = new Uint8Array(128);

  constructor(reader: DerReader) {
    this.#r = reader;
  }

  get entries(): readonly CrlEntry[] {
    if (!this.#all) {
      const all = new Array<CrlEntry>(this.entryCount);
      for (let i = 0; i < this.entryCount; i++) all[i] = this.entryAt(i);
      this.#all = all;
    }
    return this.#all;
  }

  /**
   * Takes the offsets recorded by the validating pass (entry starts, serial content start and
   * length) and builds the open-addressing table (load factor <= 1/2) over the serials.
   */
  index(starts: Uint32Array, serialStarts: Uint32Array, serialLengths: Uint8Array, count: number): void {
    this.entryCount = count;
    this.#starts = starts;
    this.#serialStarts = serialStarts;
    this.#serialLengths = serialLengths;
    let size = 8;
    while (size < count * 2) size *= 2;
    const table = new Int32Array(size).fill(-1);
    const mask = size - 1;
    const b = this.#r.bytes;
    for (let i = 0; i < count; i++) {
      const at = serialStarts[i]!;
      let slot = hashSerial(b, at, at + serialLengths[i]!) & mask;
      while (table[slot] !== -1) slot = (slot + 1) & mask;
      table[slot] = i;
    }
    this.#table = table;
  }

  find(serial: SerialInput): CrlEntry | undefined {
    const m = this.#scratch;
    const n = serialMagnitudeInto(m, serial);
    if (this.entryCount === 0) return undefined;
    const mask = this.#table.length - 1;
    let h = 0x811c9dc5;
    if (n === 0) h = Math.imul(h, 0x01000193); // zero serial: one 0x00 octet, as hashSerial sees it
    for (let i = 0; i < n; i++) h = Math.imul(h ^ m[i]!, 0x01000193);
    let slot = (h >>> 0) & mask;
    const b = this.#r.bytes;
    for (;;) {
      const idx = this.#table[slot]!;
      if (idx === -1) return undefined;
      const at = this.#serialStarts[idx]!;
      if (magnitudeEquals(b, at, at + this.#serialLengths[idx]!, m, n)) return this.entryAt(idx);
      slot = (slot + 1) & mask;
    }
  }

  entryAt(index: number): CrlEntry {
    if (!Number.isInteger(index) || index < 0 || index >= this.entryCount) {
      throw new PkiError('ERR_INVALID_ARGUMENT', `No CRL entry ${index}`);
    }
    const r = this.#r;
    const e = r.read(this.#starts[index]!, r.bytes.length);
    const serial = r.read(e.contentStart, e.end);
    const time = r.read(serial.end, e.end);
    const entry: CrlEntry = {
      serialHex: serialHexFromContent(r.content(serial)),
      revocationDate: r.time(time, 'revocationDate'),
    };
    if (time.end < e.end) {
      // Structure and values were validated by checkEntry; OIDs are compared as bytes.
      const exts = r.read(time.end, e.end);
      const b = r.bytes;
      for (let p = exts.contentStart; p < exts.end; ) {
        const ext = r.read(p, exts.end);
        const oid = r.read(ext.contentStart, ext.end);
        let v = r.read(oid.end, ext.end);
        if (v.tag === DER_TAG.BOOLEAN) v = r.read(v.end, ext.end);
        if (sameBytes(b, oid.contentStart, oid.end, REASON_OID)) {
          entry.reason = crlReasonFromCode(r.smallInteger(r.read(v.contentStart, v.end), 'CRLReason'));
        } else if (sameBytes(b, oid.contentStart, oid.end, INVALIDITY_OID)) {
          entry.invalidityDate = r.time(r.read(v.contentStart, v.end), 'invalidityDate');
        } else {
          entry.otherExtensions ??= [];
          entry.otherExtensions.push(r.oid(oid));
        }
        p = ext.end;
      }
    }
    return entry;
  }
}

/**
 * Validates one entry completely without building objects (it runs once per entry of CRLs with
 * hundreds of thousands of them), so that decoding it later cannot fail, and records critical
 * extensions other than reasonCode/invalidityDate.
 */
function checkEntry(r: DerReader, e: DerElement, unsupported: Set<string>): DerElement {
  if (e.tag !== DER_TAG.SEQUENCE) r.fail('expected a revokedCertificates entry', e.start);
  const serial = r.expect(e.contentStart, e.end, DER_TAG.INTEGER, 'userCertificate');
  if (serial.end - serial.contentStart > 127 || serial.end === serial.contentStart) {
    r.fail('bad serial number', serial.start);
  }
  const time = r.read(serial.end, e.end);
  if (r.fastTime(time) === undefined) r.time(time, 'revocationDate'); // throws when malformed
  if (time.end === e.end) return serial;
  const exts = r.expect(time.end, e.end, DER_TAG.SEQUENCE, 'crlEntryExtensions');
  if (exts.end !== e.end) r.fail('trailing data in a CRL entry', exts.end);
  const b = r.bytes;
  for (let p = exts.contentStart; p < exts.end; ) {
    const ext = r.expect(p, exts.end, DER_TAG.SEQUENCE, 'Extension');
    const oid = r.expect(ext.contentStart, ext.end, DER_TAG.OID, 'extnID');
    if (oid.end === oid.contentStart || b[oid.end - 1]! & 0x80) r.fail('bad extnID', oid.start);
    let v = r.read(oid.end, ext.end);
    let critical = false;
    if (v.tag === DER_TAG.BOOLEAN) {
      critical = r.boolean(v);
      v = r.read(v.end, ext.end);
    }
    if (v.tag !== DER_TAG.OCTET_STRING || v.end !== ext.end) r.fail('bad Extension', ext.start);
    if (sameBytes(b, oid.contentStart, oid.end, REASON_OID)) {
      const code = r.expect(v.contentStart, v.end, DER_TAG.ENUMERATED, 'CRLReason');
      if (code.end !== v.end || !crlReasonFromCode(r.smallInteger(code, 'CRLReason'))) {
        r.fail('bad CRLReason', code.start);
      }
    } else if (sameBytes(b, oid.contentStart, oid.end, INVALIDITY_OID)) {
      const t = r.read(v.contentStart, v.end);
      if (t.end !== v.end) r.fail('bad invalidityDate', t.start);
      r.time(t, 'invalidityDate');
    } else if (critical) {
      unsupported.add(r.oid(oid));
    }
    p = ext.end;
  }
  return serial;
}

/** GeneralNames of a DistributionPointName fullName: the URIs. */
function distributionPointUris(r: DerReader, value: { start: number; end: number }): string[] {
  const urls: string[] = [];
  const seq = r.expect(value.start, value.end, DER_TAG.SEQUENCE, 'CRLDistributionPoints');
  for (const dp of r.children(seq)) {
    if (dp.tag !== DER_TAG.SEQUENCE) r.fail('bad DistributionPoint', dp.start);
    for (const field of r.children(dp)) {
      if (field.tag !== contextTag(0)) continue; // reasons, cRLIssuer
      const name = r.read(field.contentStart, field.end);
      if (name.tag !== contextTag(0)) continue; // nameRelativeToCRLIssuer
      for (const gn of r.children(name)) {
        if (gn.tag === 0x86) urls.push(new TextDecoder().decode(r.content(gn)));
      }
    }
  }
  return urls;
}

/**
 * Parses a CRL from DER, PEM (`X509 CRL`) or base64.
 * @throws {PkiError} `ERR_CRL_INVALID` for anything that is not a well-formed CRL.
 * @example
 * ```ts
 * const crl = parseCrl(await (await fetch('http://crl.pki.gov.kz/nca_rsa.crl')).arrayBuffer());
 * const hit = crl.find('4b779cb5647c4da7b07327c503eab1656d716ed8');
 * if (hit) console.log('revoked', hit.revocationDate, hit.reason ?? 'unspecified');
 * ```
 */
export function parseCrl(input: string | BytesLike): CrlInfo {
  const der = derInput(input, 'X509 CRL', 'ERR_CRL_INVALID', 'CRL');
  return withDerErrors('ERR_CRL_INVALID', 'CRL', () => {
    const r: DerReader = new DerReader(der, 'ERR_CRL_INVALID', 'CRL');
    const crl = new ParsedCrl(r);
    crl.der = der;
    const root = r.root(DER_TAG.SEQUENCE, 'CertificateList');
    const tbsEl = r.expect(root.contentStart, root.end, DER_TAG.SEQUENCE, 'TBSCertList');
    const algEl = r.expect(tbsEl.end, root.end, DER_TAG.SEQUENCE, 'signatureAlgorithm');
    const sigEl = r.read(algEl.end, root.end);
    if (sigEl.end !== root.end) r.fail('trailing data in CertificateList', sigEl.end);
    crl.tbs = r.tlv(tbsEl);
    crl.signatureAlgorithmDer = r.tlv(algEl);
    crl.signatureAlgorithm = r.oid(r.read(algEl.contentStart, algEl.end));
    crl.signature = r.bitStringBytes(sigEl, 'signatureValue');

    const limit = tbsEl.end;
    let el = r.read(tbsEl.contentStart, limit);
    if (el.tag === DER_TAG.INTEGER) {
      const v = r.smallInteger(el, 'version');
      if (v !== 1) r.fail('unsupported CRL version', el.start);
      crl.version = 2;
      el = r.read(el.end, limit);
    }
    if (el.tag !== DER_TAG.SEQUENCE) r.fail('expected signature AlgorithmIdentifier', el.start);
    crl.tbsSignatureAlgorithmDer = r.tlv(el);
    const issuerEl = r.expect(el.end, limit, DER_TAG.SEQUENCE, 'issuer Name');
    crl.issuerDer = r.tlv(issuerEl);
    crl.issuer = new pkijs.RelativeDistinguishedNames({
      schema: asn1js.fromBER(toArrayBuffer(crl.issuerDer)).result,
    });
    const thisEl = r.read(issuerEl.end, limit);
    crl.thisUpdate = r.time(thisEl, 'thisUpdate');
    let p = thisEl.end;
    const unsupported = new Set<string>();
    let starts: Uint32Array = new Uint32Array(0);
    let serialStarts: Uint32Array = new Uint32Array(0);
    let serialLengths: Uint8Array = new Uint8Array(0);
    let count = 0;
    while (p < limit) {
      el = r.read(p, limit);
      p = el.end;
      if (el.tag === DER_TAG.UTC_TIME || el.tag === DER_TAG.GENERALIZED_TIME) {
        if (crl.nextUpdate || count || starts.length) r.fail('unexpected Time', el.start);
        crl.nextUpdate = r.time(el, 'nextUpdate');
      } else if (el.tag === DER_TAG.SEQUENCE && starts.length === 0 && count === 0) {
        // An entry is at least 2 (SEQUENCE) + 3 (INTEGER) + 13 (shortest Time) octets.
        const max = Math.max(1, Math.ceil((el.end - el.contentStart) / 18));
        starts = new Uint32Array(max);
        serialStarts = new Uint32Array(max);
        serialLengths = new Uint8Array(max);
        for (let q = el.contentStart; q < el.end; ) {
          const e = r.read(q, el.end);
          const serial = checkEntry(r, e, unsupported);
          starts[count] = e.start;
          serialStarts[count] = serial.contentStart;
          serialLengths[count++] = serial.end - serial.contentStart;
          q = e.end;
        }
        // The upper-bound allocation is ~2.5x too large for typical entries; keep only what is used.
        starts = starts.slice(0, count);
        serialStarts = serialStarts.slice(0, count);
        serialLengths = serialLengths.slice(0, count);
      } else if (el.tag === contextTag(0)) {
        if (p !== limit) r.fail('data after crlExtensions', p);
        const exts = r.read(el.contentStart, el.end);
        if (exts.end !== el.end) r.fail('bad crlExtensions', el.start);
        for (const ext of readExtensions(r, exts)) {
          crl.extensions.push({ oid: ext.oid, critical: ext.critical });
          if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.oid)) unsupported.add(ext.oid);
          const v = () => r.read(ext.value.start, ext.value.end);
          switch (ext.oid) {
            case OID.cRLNumber: {
              const n = v();
              if (n.tag !== DER_TAG.INTEGER) r.fail('bad CRLNumber', n.start);
              crl.crlNumber = r.bigInteger(n, 'CRLNumber');
              break;
            }
            case OID.deltaCRLIndicator: {
              const n = v();
              if (n.tag !== DER_TAG.INTEGER) r.fail('bad BaseCRLNumber', n.start);
              crl.baseCrlNumber = r.bigInteger(n, 'BaseCRLNumber');
              crl.isDelta = true;
              break;
            }
            case OID.authorityKeyIdentifier: {
              const seq = v();
              if (seq.tag !== DER_TAG.SEQUENCE) r.fail('bad AuthorityKeyIdentifier', seq.start);
              const id = r.childList(seq).find((c) => c.tag === 0x80);
              if (id) crl.authorityKeyId = toHex(r.content(id));
              break;
            }
            case OID.freshestCRL:
              crl.freshestCrlUrls = distributionPointUris(r, ext.value);
              break;
          }
        }
      } else r.fail('unexpected element in TBSCertList', el.start);
    }
    crl.unsupportedCriticalExtensions = [...unsupported];
    crl.index(starts, serialStarts, serialLengths, count);
    return crl;
  });
}

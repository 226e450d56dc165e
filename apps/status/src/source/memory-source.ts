/**
 * An in-memory revocation database implementing {@link StatusSource}: the provider for running the
 * OCSP responder and CRL distribution point for an external CA ("offline mode": the CA hands over
 * its certificate and a delegated responder key pair, feeds issued and revoked serials through
 * {@link MemoryStatusSource.addCertificate}/{@link MemoryStatusSource.revoke} or an OpenSSL CA
 * database, {@link MemoryStatusSource.importOpensslIndex}, and the CRLs it signed through
 * {@link MemoryStatusSource.publishCrl}). The service never signs a CRL itself. Nothing is
 * persisted.
 */
import { type CrlInfo, isCrlReason, normalizeSerialHex, parseCrl, verifyCrl } from '@kzpki/pki';
import { StatusError } from '../errors.js';
import type {
  ApplicationStatusView,
  CertificateStatusRecord,
  CrlKind,
  IssuerMaterial,
  PublishedCrl,
  RevocationChange,
  RevocationReason,
  RevokedEntry,
  StatusMaterial,
  StatusSource,
  TimestampSignerMaterial,
} from './status-source.js';

/** A certificate as held in memory: the record is updated in place on every change. */
interface HeldCertificate extends CertificateStatusRecord {
  /** When a hold was last released (the delta CRL dates its removeFromCRL entry with it). */
  releasedAt?: Date;
}

interface IssuerState {
  material: IssuerMaterial;
  certificates: Map<string, HeldCertificate>;
  /** Change log, in sequence order, as two parallel arrays (no object per change). */
  logSeq: number[];
  logSerial: string[];
  /** The CRLs the CA handed over, by kind. */
  crls: Partial<Record<CrlKind, PublishedCrl>>;
}

/** Options of {@link MemoryStatusSource.revoke}. */
export interface RevokeOptions {
  /** Reason; `certificateHold` puts the certificate on hold (releasable). Default: none given. */
  reason?: RevocationReason;
  /** Default: now. */
  revokedAt?: Date;
  /** RFC 5280 §5.3.2 invalidity date. */
  invalidityDate?: Date;
}

/** A change listener; called synchronously after every revocation, hold or release. */
export type ChangeListener = (seq: number) => void;

/**
 * In-memory {@link StatusSource}.
 *
 * @example
 * ```ts
 * const source = new MemoryStatusSource({
 *   issuers: [{ id: 'partner-ca', certificate: caDer, ocspSigner: { certificate: responderDer, privateKey: responderKey } }],
 *   trustAnchors: [rootDer],
 * });
 * source.importOpensslIndex('partner-ca', readFileSync('demoCA/index.txt', 'utf8'));
 * await source.publishCrl('partner-ca', readFileSync('demoCA/crl.der'));
 * source.revoke('partner-ca', '1a2b', { reason: 'keyCompromise' });
 * const status = await startStatus({ source, publicUrl: 'http://status.partner.example' });
 * ```
 */
export class MemoryStatusSource implements StatusSource {
  private readonly issuers = new Map<string, IssuerState>();
  private readonly trustAnchors: Uint8Array[];
  private readonly timestampSigners: TimestampSignerMaterial[];
  private readonly applications = new Map<string, ApplicationStatusView>();
  private readonly listeners = new Set<ChangeListener>();
  private seq = 0;

  constructor(material: StatusMaterial) {
    for (const m of material.issuers) {
      if (this.issuers.has(m.id)) throw new StatusError('ERR_CONFIG', `Issuer id ${m.id} given twice`);
      this.issuers.set(m.id, {
        material: m,
        certificates: new Map(),
        logSeq: [],
        logSerial: [],
        crls: {},
      });
    }
    this.trustAnchors = [...material.trustAnchors];
    this.timestampSigners = [...(material.timestampSigners ?? [])];
  }

  async material(): Promise<StatusMaterial> {
    return {
      issuers: [...this.issuers.values()].map((s) => s.material),
      trustAnchors: this.trustAnchors,
      ...(this.timestampSigners.length ? { timestampSigners: this.timestampSigners } : {}),
    };
  }

  async changeSeq(): Promise<number> {
    return this.seq;
  }

  /** The same, synchronously (the sequence is in memory). */
  changeSeqNow(): number {
    return this.seq;
  }

  async lookup(issuerId: string, serialHex: string): Promise<CertificateStatusRecord | undefined> {
    const r = this.issuers.get(issuerId)?.certificates.get(normalizeSerialHex(serialHex));
    if (!r) return undefined;
    const { releasedAt: _released, ...record } = r;
    return record;
  }

  async *changesSince(issuerId: string, sinceSeq: number): AsyncIterable<RevocationChange> {
    const s = this.issuer(issuerId);
    // Binary search for the first change after sinceSeq; report each serial once, in its final state.
    let lo = 0;
    let hi = s.logSeq.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s.logSeq[mid]! <= sinceSeq) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<string>();
    for (let i = lo; i < s.logSerial.length; i++) {
      const serialHex = s.logSerial[i]!;
      if (seen.has(serialHex)) continue;
      seen.add(serialHex);
      const r = s.certificates.get(serialHex)!;
      if (r.state === 'good') yield { serialHex, state: 'good', revokedAt: r.releasedAt ?? new Date(0) };
      else yield { ...revokedEntry(r), state: r.state };
    }
  }

  async crl(issuerId: string, kind: CrlKind): Promise<PublishedCrl | undefined> {
    return this.issuer(issuerId).crls[kind];
  }

  /**
   * Serves a CRL the CA signed (DER or PEM): full or delta as the CRL says (deltaCRLIndicator). The
   * signature is checked against the issuer's certificate, and a CRL replaces the one served only
   * when its cRLNumber is higher.
   * @returns `true` when it replaced the CRL served, `false` when that one is as new or newer.
   * @throws {StatusError} `ERR_VALIDATION` for bytes that are not a CRL of this issuer, or a CRL
   *   without a cRLNumber (or a delta without its base number).
   */
  async publishCrl(issuerId: string, crl: Uint8Array | string): Promise<boolean> {
    const s = this.issuer(issuerId);
    let info: CrlInfo;
    try {
      info = parseCrl(crl);
    } catch (cause) {
      throw new StatusError('ERR_VALIDATION', 'Not a CRL', { cause });
    }
    if (!(await verifyCrl(info, s.material.certificate))) {
      throw new StatusError('ERR_VALIDATION', `The CRL is not signed by ${issuerId}`);
    }
    if (info.crlNumber === undefined || (info.isDelta && info.baseCrlNumber === undefined)) {
      throw new StatusError('ERR_VALIDATION', 'The CRL has no cRLNumber (or a delta no base number)');
    }
    if (!info.nextUpdate) throw new StatusError('ERR_VALIDATION', 'The CRL has no nextUpdate');
    const kind: CrlKind = info.isDelta ? 'delta' : 'full';
    const held = s.crls[kind];
    if (held && held.crlNumber >= info.crlNumber) return false;
    s.crls[kind] = {
      issuerId,
      kind,
      der: info.der,
      crlNumber: info.crlNumber,
      ...(info.baseCrlNumber !== undefined ? { baseCrlNumber: info.baseCrlNumber } : {}),
      thisUpdate: info.thisUpdate,
      nextUpdate: info.nextUpdate,
      entries: info.entryCount,
      etag: `"${issuerId}-${kind}-${info.crlNumber.toString(16)}"`,
    };
    return true;
  }

  async applicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    return this.applications.get(number);
  }

  /** Registers (or replaces) an application shown by the status page. */
  putApplication(view: ApplicationStatusView): void {
    this.applications.set(view.application.number, view);
  }

  /**
   * Records an issued certificate as good (a no-op when the serial is already known).
   * @returns its canonical serial hex.
   * @throws {StatusError} `ERR_VALIDATION` when the serial is not hex.
   */
  addCertificate(
    issuerId: string,
    serial: string,
    validity: { notBefore?: Date; notAfter?: Date } = {},
  ): string {
    const serialHex = canonicalSerial(serial);
    this.held(this.issuer(issuerId), serialHex, validity);
    return serialHex;
  }

  /**
   * Revokes a certificate, or puts it on hold with reason `certificateHold`. Unknown serials are
   * recorded as issued first (a CA may revoke what it issued before feeding this source).
   * @returns the change sequence number of the revocation.
   * @throws {StatusError} `ERR_VALIDATION` when a revoked (not held) certificate is revoked again,
   *   or for an invalid reason or serial.
   */
  revoke(issuerId: string, serial: string, options: RevokeOptions = {}): number {
    const s = this.issuer(issuerId);
    const serialHex = canonicalSerial(serial);
    const { reason } = options;
    if (reason !== undefined && (!isCrlReason(reason) || reason === 'removeFromCRL')) {
      throw new StatusError('ERR_VALIDATION', `Invalid revocation reason ${String(reason)}`);
    }
    const rec = this.held(s, serialHex, {});
    if (rec.state === 'revoked')
      throw new StatusError('ERR_VALIDATION', `Certificate ${serialHex} is already revoked`);
    if (rec.state === 'hold' && reason === 'certificateHold') {
      throw new StatusError('ERR_VALIDATION', `Certificate ${serialHex} is already on hold`);
    }
    // A held certificate revoked for good keeps the date it left the good state; only the reason
    // changes (RFC 5280 §5.3.1).
    rec.revokedAt = rec.state === 'hold' && rec.revokedAt ? rec.revokedAt : (options.revokedAt ?? new Date());
    rec.state = reason === 'certificateHold' ? 'hold' : 'revoked';
    if (reason === undefined) delete rec.reason;
    else rec.reason = reason;
    if (options.invalidityDate === undefined) delete rec.invalidityDate;
    else rec.invalidityDate = options.invalidityDate;
    return this.recordChange(s, serialHex);
  }

  /**
   * Releases a certificate from hold (back to good; the delta CRL lists it as removeFromCRL).
   * @returns the change sequence number of the release.
   * @throws {StatusError} `ERR_VALIDATION` when the certificate is not on hold.
   */
  release(issuerId: string, serial: string, at: Date = new Date()): number {
    const s = this.issuer(issuerId);
    const serialHex = canonicalSerial(serial);
    const rec = s.certificates.get(serialHex);
    if (rec?.state !== 'hold')
      throw new StatusError('ERR_VALIDATION', `Certificate ${serialHex} is not on hold`);
    rec.state = 'good';
    rec.releasedAt = at;
    delete rec.revokedAt;
    delete rec.reason;
    delete rec.invalidityDate;
    return this.recordChange(s, serialHex);
  }

  /**
   * Loads an OpenSSL CA database (`index.txt` of `openssl ca`): one certificate per line,
   * tab-separated `status expiry revocation serial file subject`, status `V` (valid), `R`
   * (revoked; revocation = `YYMMDDHHMMSSZ[,reason[,extra]]`) or `E` (expired). Idempotent: loading
   * the file again after `openssl ca -revoke` applies only what changed (new certificates,
   * revocations, holds released), so the file can be re-read whenever it changes.
   * @returns the number of certificates whose state changed or that were new.
   * @throws {StatusError} `ERR_VALIDATION` for a malformed line (with its number); lines before it
   *   are applied.
   */
  importOpensslIndex(issuerId: string, text: string): number {
    const s = this.issuer(issuerId);
    let n = 0;
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      const f = line.split('\t');
      const [status, expiry, revocation, serial] = f;
      const bad = (why: string): never => {
        throw new StatusError('ERR_VALIDATION', `index.txt line ${i + 1}: ${why}`);
      };
      if (f.length < 6 || !status || !serial || !/^[0-9A-Fa-f]+$/.test(serial))
        bad('not an OpenSSL index line');
      const notAfter = parseIndexTime(expiry ?? '') ?? bad('bad expiry time');
      const existing = s.certificates.get(normalizeSerialHex(serial!));
      if (status === 'V' || status === 'E') {
        if (!existing) {
          this.addCertificate(issuerId, serial!, { notAfter });
          n++;
        } else if (existing.state === 'hold') {
          this.release(issuerId, serial!);
          n++;
        }
      } else if (status === 'R') {
        const [time, reasonText, extra] = (revocation ?? '').split(',');
        const revokedAt = parseIndexTime(time ?? '') ?? bad('bad revocation time');
        const reason = reasonText ? INDEX_REASONS[reasonText] : undefined;
        if (reasonText && !reason) bad(`unknown reason ${reasonText}`);
        // keyTime/CAkeyTime carry the compromise time (the invalidity date) as a third field.
        const invalidityDate =
          reasonText === 'keyTime' || reasonText === 'CAkeyTime' ? parseIndexTime(extra ?? '') : undefined;
        const changed =
          !existing ||
          existing.state === 'good' ||
          (existing.state === 'hold' && reason !== 'certificateHold');
        if (changed) {
          this.addCertificate(issuerId, serial!, { notAfter });
          this.revoke(issuerId, serial!, { reason, revokedAt, invalidityDate });
          n++;
        }
      } else bad(`unknown status ${status}`);
    });
    return n;
  }

  /** Calls `listener` after every change; returns a function that unsubscribes. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private held(
    s: IssuerState,
    serialHex: string,
    validity: { notBefore?: Date; notAfter?: Date },
  ): HeldCertificate {
    let rec = s.certificates.get(serialHex);
    if (!rec) {
      rec = { serialHex, state: 'good', ...validity };
      s.certificates.set(serialHex, rec);
    }
    return rec;
  }

  private recordChange(s: IssuerState, serialHex: string): number {
    const seq = ++this.seq;
    s.logSeq.push(seq);
    s.logSerial.push(serialHex);
    for (const l of this.listeners) l(seq);
    return seq;
  }

  private issuer(issuerId: string): IssuerState {
    const s = this.issuers.get(issuerId);
    if (!s) throw new StatusError('ERR_ISSUER_UNKNOWN', `No issuer ${issuerId}`);
    return s;
  }
}

function revokedEntry(r: HeldCertificate): RevokedEntry {
  const e: RevokedEntry = { serialHex: r.serialHex, revokedAt: r.revokedAt ?? new Date(0) };
  if (r.state === 'hold') e.reason = 'certificateHold';
  else if (r.reason) e.reason = r.reason;
  if (r.invalidityDate) e.invalidityDate = r.invalidityDate;
  return e;
}

function canonicalSerial(serial: string): string {
  try {
    if (typeof serial === 'string' && serial.trim() !== '') return normalizeSerialHex(serial);
  } catch (cause) {
    throw new StatusError('ERR_VALIDATION', 'Serial number is not hex', { cause });
  }
  throw new StatusError('ERR_VALIDATION', 'Serial number is empty');
}

/**
 * Reason names in `openssl ca` databases (apps/ca.c `crl_reasons`); `keyTime`/`CAkeyTime` are key
 * and CA compromise with a compromise time, `holdInstruction` a hold with an instruction OID.
 */
const INDEX_REASONS: Readonly<Record<string, RevocationReason>> = {
  unspecified: 'unspecified',
  keyCompromise: 'keyCompromise',
  CACompromise: 'cACompromise',
  affiliationChanged: 'affiliationChanged',
  superseded: 'superseded',
  cessationOfOperation: 'cessationOfOperation',
  certificateHold: 'certificateHold',
  holdInstruction: 'certificateHold',
  keyTime: 'keyCompromise',
  CAkeyTime: 'cACompromise',
};

/** `YYMMDDHHMMSSZ` (UTCTime) or `YYYYMMDDHHMMSSZ` (GeneralizedTime) to a Date. */
function parseIndexTime(text: string): Date | undefined {
  const m = /^(\d{2}|\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (m[1]!.length === 2) year += year >= 50 ? 1900 : 2000; // RFC 5280 §4.1.2.5.1
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  return Number.isNaN(d.getTime()) ? undefined : d;
}

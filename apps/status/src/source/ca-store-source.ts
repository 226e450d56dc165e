/**
 * {@link StatusSource} over the reference CA's store, through the narrow `StatusStore` interface of
 * `@kzpki/ca-store`: the normal deployment, where the status service opens the CA's SQLite database
 * read-only (WAL: the CA writes, the status service reads, each in its own process).
 *
 * What the status service gets from the store, and nothing more:
 * - the CAs it publishes for (root and issuing CA: public certificates and URL names);
 * - per CA, the delegated OCSP responder the CA issued (EKU OCSPSigning, id-pkix-ocsp-nocheck) with
 *   its private key encrypted under the status KEK, opened here with `KZPKI_STATUS_PASSPHRASE`
 *   (see `keys/responder-keys.ts` in `@kzpki/ca-store`). The CA's own keys, their KEK and the CA
 *   passphrase are never read or known here;
 * - the time-stamping authorities the CA certified for this service (extKeyUsage id-kp-timeStamping
 *   only, critical; one per issuing CA and NCA TSA policy) with their keys sealed under the same
 *   status KEK, served on `POST /tsp`;
 * - certificate statuses, the revocation sequence and changes (OCSP);
 * - the CRLs the CA signed and published (served as they are);
 * - application status pages.
 */
import {
  type CrlKind,
  caStorePath,
  describeStoreLocation,
  type IssuerRecord,
  isCaStoreError,
  type OcspResponderRecord,
  openStatusRepository,
  ResponderKeyring,
  type StatusStore,
} from '@kzpki/ca-store';
import {
  inspectCertificate,
  isTimestampingCertificate,
  NCA_TSA_POLICY_OIDS,
  normalizeSerialHex,
} from '@kzpki/pki';
import { StatusError } from '../errors.js';
import { isDelegatedResponder } from '../ocsp/responder.js';
import type {
  ApplicationStatusView,
  CertificateStatusRecord,
  IssuerMaterial,
  PublishedCrl,
  RevocationChange,
  SignerMaterial,
  StatusMaterial,
  StatusSource,
  TimestampSignerMaterial,
} from './status-source.js';

/** Options of {@link CaStoreStatusSource.open}. */
export interface OpenCaStoreSourceOptions {
  /** Directory holding the CA's `ca.sqlite` (`KZPKI_DATA_DIR`). */
  dataDir?: string;
  /** Or the database path itself. */
  databasePath?: string;
  /**
   * Or the store's location (`KZPKI_DATABASE_URL`): `postgres://...` (the status service then
   * learns revocations by notification, see `@kzpki/ca-store`'s `PgStatusStore`) or `sqlite:<path>`.
   */
  database?: string;
  /** Passphrase of the OCSP responder keys (`KZPKI_STATUS_PASSPHRASE`), not the CA's. */
  passphrase: string;
}

/** Options of the {@link CaStoreStatusSource} constructor. */
export interface CaStoreStatusSourceOptions {
  /** Passphrase of the OCSP responder keys (`KZPKI_STATUS_PASSPHRASE`). */
  passphrase: string;
  /** Close the store with {@link CaStoreStatusSource.close} (default false). */
  ownsStore?: boolean;
  /** Where responders and TSAs that cannot be used are reported (default `console.warn`). */
  warn?: (message: string) => void;
  /** Clock (an expired TSA certificate is not served). */
  now?: () => Date;
}

/** Reads statuses, published CRLs, applications and the responder keys from the CA store. */
export class CaStoreStatusSource implements StatusSource {
  /** Issuer URL name → SubjectKeyIdentifier hex (the store's issuer key). */
  private readonly skiById = new Map<string, string>();
  private readonly keyring: ResponderKeyring;
  private readonly crls = new Map<string, PublishedCrl>();

  /**
   * @param store the store's status interface (e.g. `openStatusStore(path)`)
   * @example
   * ```ts
   * const source = new CaStoreStatusSource(openStatusStore(caStorePath('./var')), {
   *   passphrase: process.env.KZPKI_STATUS_PASSPHRASE ?? DEV_STATUS_PASSPHRASE,
   *   ownsStore: true,
   * });
   * const status = await startStatus({ source, closeSource: true });
   * ```
   */
  constructor(
    private readonly store: StatusStore,
    private readonly options: CaStoreStatusSourceOptions,
  ) {
    this.keyring = new ResponderKeyring(options.passphrase);
  }

  /**
   * Opens the CA database read-only beside a running CA (or one initialised earlier).
   * @throws {StatusError} `ERR_CONFIG` without a path, `ERR_SOURCE` when the database cannot be opened
   *   (missing, not migrated by the CA yet, newer than this code).
   * @example
   * ```ts
   * const source = await CaStoreStatusSource.open({ dataDir: './var', passphrase: process.env.KZPKI_STATUS_PASSPHRASE! });
   * ```
   */
  static async open(options: OpenCaStoreSourceOptions): Promise<CaStoreStatusSource> {
    const location =
      options.database ??
      (options.databasePath !== undefined
        ? `sqlite:${options.databasePath}`
        : options.dataDir
          ? `sqlite:${caStorePath(options.dataDir)}`
          : undefined);
    if (!location) throw new StatusError('ERR_CONFIG', 'Give the CA data directory, database path or URL');
    let store: StatusStore;
    try {
      store = await openStatusRepository(location);
    } catch (cause) {
      throw new StatusError('ERR_SOURCE', `Cannot open the CA database ${describeStoreLocation(location)}`, {
        cause,
      });
    }
    return new CaStoreStatusSource(store, { passphrase: options.passphrase, ownsStore: true });
  }

  /**
   * Loads (again) the CA certificates and the responder keys: a renewed OCSP responder certificate
   * shows up here.
   * @throws {StatusError} `ERR_SOURCE` when the CA has published no issuer yet, `ERR_CONFIG` when a
   *   responder key does not open (wrong `KZPKI_STATUS_PASSPHRASE`).
   */
  async material(): Promise<StatusMaterial> {
    const published = await this.store.listIssuers();
    if (published.length === 0) {
      throw new StatusError(
        'ERR_SOURCE',
        'The CA has published no issuer yet: start the CA (or `kzpki ca init`) first',
      );
    }
    const issuers: IssuerMaterial[] = [];
    for (const p of published) {
      this.skiById.set(p.id, p.skiHex.toLowerCase());
      const responder = await this.store.getOcspResponder(p.skiHex);
      const signer = responder ? await this.signer(responder, p.certificate) : undefined;
      if (!signer)
        this.warn(`No usable OCSP responder for ${p.id}: OCSP requests about it get "unauthorized"`);
      issuers.push({ id: p.id, certificate: p.certificate, ...(signer ? { ocspSigner: signer } : {}) });
    }
    const timestampSigners = await this.timestampSigners(published);
    return {
      issuers,
      ...(timestampSigners.length > 0 ? { timestampSigners } : {}),
      trustAnchors: published.filter((p) => p.role === 'root').map((p) => p.certificate),
    };
  }

  /**
   * The TSAs of the published CAs, RSA (the NCA's 1.2.398.3.3.2.6.2) first: the default for
   * requests that name no policy. A TSA whose certificate is not a timestamping certificate of its
   * CA, or has expired, is reported and not served.
   */
  private async timestampSigners(published: IssuerRecord[]): Promise<TimestampSignerMaterial[]> {
    const records = await this.store.listTimestampSigners();
    const now = (this.options.now ?? (() => new Date()))();
    const signers: TimestampSignerMaterial[] = [];
    for (const r of records) {
      const issuer = published.find((p) => p.skiHex.toLowerCase() === r.issuerSkiHex);
      if (!issuer) continue; // a CA no longer published
      if (!isTsaOf(r.certificate, issuer.certificate)) {
        this.warn(`The TSA certificate ${r.serialHex} is not a timestamping certificate of its CA`);
        continue;
      }
      if (r.notAfter.getTime() <= now.getTime()) {
        this.warn(`The TSA certificate ${r.serialHex} has expired: start the CA to renew it`);
        continue;
      }
      const up = inspectCertificate(issuer.certificate).authorityKeyId;
      const root = published.find((p) => p.role === 'root' && p.skiHex.toLowerCase() === up && p !== issuer);
      signers.push({
        certificate: r.certificate,
        privateKey: await this.openKey('TSA', () => this.keyring.openTimestampSigner(r)),
        chain: root ? [issuer.certificate, root.certificate] : [issuer.certificate],
        policy: r.policy,
      });
    }
    return signers.sort(
      (a, b) => Number(b.policy === NCA_TSA_POLICY_OIDS.rsa) - Number(a.policy === NCA_TSA_POLICY_OIDS.rsa),
    );
  }

  /**
   * The store's revocation sequence (asked on every OCSP request; the SQLite status store answers
   * from a cached value while nothing was committed).
   */
  changeSeq(): Promise<number> {
    return this.store.revocationSeq();
  }

  /** The sequence when the store knows it without a round trip (see `StatusStore.revocationSeqNow`). */
  changeSeqNow(): number | undefined {
    return this.store.revocationSeqNow?.();
  }

  async lookup(issuerId: string, serialHex: string): Promise<CertificateStatusRecord | undefined> {
    const r = await this.store.getCertificateStatus(this.ski(issuerId), normalizeSerialHex(serialHex));
    if (!r) return undefined;
    return {
      serialHex: normalizeSerialHex(r.serialHex),
      state: r.status,
      ...(r.revokedAt ? { revokedAt: r.revokedAt } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.invalidityDate ? { invalidityDate: r.invalidityDate } : {}),
      notBefore: r.notBefore,
      notAfter: r.notAfter,
    };
  }

  async *changesSince(issuerId: string, sinceSeq: number): AsyncIterable<RevocationChange> {
    for (const c of await this.store.listRevocationChangesSince(this.ski(issuerId), sinceSeq)) {
      yield {
        serialHex: c.serialHex,
        state: c.change === 'released' ? 'good' : c.status,
        revokedAt: c.revokedAt,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.invalidityDate ? { invalidityDate: c.invalidityDate } : {}),
      };
    }
  }

  /**
   * The latest published CRL: its header is read on every call (one indexed row), the bytes only
   * when the CA published a newer one.
   */
  async crl(issuerId: string, kind: CrlKind): Promise<PublishedCrl | undefined> {
    const ski = this.ski(issuerId);
    const key = `${issuerId}\n${kind}`;
    const header = await this.store.getPublishedCrlHeader(ski, kind);
    if (!header) return undefined;
    const held = this.crls.get(key);
    if (held?.crlNumber === header.crlNumber) return held;
    const r = await this.store.getPublishedCrl(ski, kind);
    if (!r) return held;
    const crl: PublishedCrl = {
      issuerId,
      kind,
      der: r.der,
      crlNumber: r.crlNumber,
      ...(r.baseCrlNumber !== undefined ? { baseCrlNumber: r.baseCrlNumber } : {}),
      thisUpdate: r.thisUpdate,
      nextUpdate: r.nextUpdate,
      entries: r.entries,
      etag: `"${issuerId}-${kind}-${r.crlNumber.toString(16)}"`,
    };
    // Two downloads racing over a publication: keep the newer.
    if (!held || held.crlNumber < crl.crlNumber) this.crls.set(key, crl);
    return this.crls.get(key);
  }

  applicationStatus(number: string): Promise<ApplicationStatusView | undefined> {
    return this.store.getApplicationStatus(number);
  }

  async close(): Promise<void> {
    if (this.options.ownsStore) await this.store.close();
  }

  /**
   * Opens a responder after checking that its certificate is a delegated responder of its CA
   * (issued by it, extKeyUsage id-kp-OCSPSigning, id-pkix-ocsp-nocheck). One that is not is not used.
   */
  private async signer(r: OcspResponderRecord, issuer: Uint8Array): Promise<SignerMaterial | undefined> {
    if (!isDelegatedResponder(r.certificate, issuer)) {
      this.warn(`The OCSP responder certificate ${r.serialHex} is not a delegated responder of its CA`);
      return undefined;
    }
    return {
      certificate: r.certificate,
      privateKey: await this.openKey('OCSP responder', () => this.keyring.open(r)),
    };
  }

  /** Opens a key sealed under the status KEK; a wrong passphrase is a configuration error. */
  private async openKey<K>(what: string, open: () => Promise<K>): Promise<K> {
    try {
      return await open();
    } catch (cause) {
      if (isCaStoreError(cause, 'ERR_KEY_DECRYPT')) {
        throw new StatusError(
          'ERR_CONFIG',
          `Cannot open the ${what} keys: KZPKI_STATUS_PASSPHRASE differs from the one the CA used (restart the CA with the same value)`,
          { cause },
        );
      }
      throw new StatusError('ERR_SOURCE', `Cannot read the ${what} keys`, { cause });
    }
  }

  private warn(message: string): void {
    (this.options.warn ?? ((m: string) => console.warn(`[kzpki-status] ${m}`)))(message);
  }

  private ski(issuerId: string): string {
    const ski = this.skiById.get(issuerId);
    if (!ski) throw new StatusError('ERR_ISSUER_UNKNOWN', `No issuer ${issuerId} (material not loaded?)`);
    return ski;
  }
}

/** `true` when `tsa` is a timestamping certificate (RFC 3161 §2.3) issued by the CA `issuer`. */
function isTsaOf(tsa: Uint8Array, issuer: Uint8Array): boolean {
  try {
    const ca = inspectCertificate(issuer);
    const t = inspectCertificate(tsa);
    return (
      ca.subjectKeyId !== undefined &&
      t.authorityKeyId === ca.subjectKeyId &&
      !t.isCa &&
      isTimestampingCertificate(tsa)
    );
  } catch {
    return false;
  }
}

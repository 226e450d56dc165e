/**
 * The personal cabinet of a certificate holder: certificate login (challenge-response with the
 * AUTH key), pending applications of the holder's organisation, signed decisions, the holder's
 * certificates and their revocation.
 */
import { fromBase64, signData, toBase64 } from '@kzpki/pki';
import { type CaClient, createCaClient } from './ca-client.js';
import { KzpkiApiError } from './errors.js';
import { type FetchLike, unwrap } from './http.js';
import { type OpenedKeyFile, openKeyFile } from './key-files.js';
import type {
  CaCertificateData,
  CertificateRecord,
  DecisionResult,
  IssuedGostCertificateData,
  PendingApplication,
  RevocationReason,
  SessionHolder,
} from './types.js';

/** Options of {@link CabinetSession.login}. */
export interface CabinetLoginOptions {
  /** Base URL of the CA. */
  caUrl: string;
  /** The holder's AUTH key file (PKCS #12 bytes) … */
  keyFile: Uint8Array;
  /** … and its password. */
  password: string;
  fetch?: FetchLike;
}

/** Signs the CA's login challenge with an AUTH key and returns the session (cabinet or operator). */
export async function certificateLogin(
  ca: CaClient,
  auth: OpenedKeyFile,
  audience: 'cabinet' | 'operator',
): Promise<{ token: string; holder: SessionHolder; expiresAt: string }> {
  const challenge = await unwrap(ca.POST('/v1/auth/challenges', { body: { audience } }));
  const signature = await signData(auth.privateKey, fromBase64(challenge.toBeSigned));
  const body = {
    challengeId: challenge.challengeId,
    certificate: auth.certificatePem,
    signature: toBase64(signature),
  };
  const session =
    audience === 'cabinet'
      ? await unwrap(ca.POST('/v1/cabinet/sessions', { body }))
      : await unwrap(ca.POST('/v1/operator/sessions', { body }));
  return { token: session.token, holder: session.holder, expiresAt: session.expiresAt };
}

/**
 * A logged-in cabinet session.
 *
 * @example
 * ```ts
 * const cabinet = await CabinetSession.login({ caUrl, keyFile: authP12, password: 'Qwerty12' });
 * for (const app of await cabinet.pending()) console.log(app.number, app.applicant.fullName);
 * await cabinet.logout();
 * ```
 */
export class CabinetSession {
  private constructor(
    private readonly ca: CaClient,
    /** Who is logged in (IIN, BIN, roles from the AUTH certificate). */
    readonly holder: SessionHolder,
    /** When the session ends. */
    readonly expiresAt: string,
  ) {}

  /**
   * Logs into the cabinet with an AUTH key file.
   * @throws {KzpkiApiError} `ERR_KEY_FILE_BAD_PASSWORD`, `ERR_KEY_FILE_INVALID`, or the CA's refusal
   *   (`ERR_CERTIFICATE_REVOKED`, `ERR_CERTIFICATE_EXPIRED`, `ERR_CERTIFICATE_UNTRUSTED`, ...).
   */
  static async login(options: CabinetLoginOptions): Promise<CabinetSession> {
    const auth = await openKeyFile(options.keyFile, options.password, 'auth');
    return CabinetSession.loginWith({
      caUrl: options.caUrl,
      auth,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** Logs in with an already opened AUTH key file. */
  static async loginWith(options: {
    caUrl: string;
    auth: OpenedKeyFile;
    fetch?: FetchLike;
  }): Promise<CabinetSession> {
    const fetchOpt = options.fetch ? { fetch: options.fetch } : {};
    const anonymous = createCaClient({ baseUrl: options.caUrl, ...fetchOpt });
    const { token, holder, expiresAt } = await certificateLogin(anonymous, options.auth, 'cabinet');
    return new CabinetSession(
      createCaClient({ baseUrl: options.caUrl, token, ...fetchOpt }),
      holder,
      expiresAt,
    );
  }

  /** Applications of the holder's organisation waiting for the holder's decision. */
  async pending(): Promise<PendingApplication[]> {
    return (await unwrap(this.ca.GET('/v1/cabinet/applications'))).applications;
  }

  /** One pending application with the decision documents to sign. */
  async application(number: string): Promise<PendingApplication> {
    return unwrap(this.ca.GET('/v1/cabinet/applications/{number}', { params: { path: { number } } }));
  }

  /**
   * Approves or rejects: signs the CA's canonical decision document with the SIGN key.
   * @throws {KzpkiApiError} `ERR_INVALID_RESPONSE` when the CA sends no decision documents, or the
   *   CA's refusal (`ERR_APPROVER_NOT_AUTHORIZED`, `ERR_SIGNER_MISMATCH`, ...).
   */
  async decide(
    number: string,
    decision: 'approve' | 'reject',
    signer: OpenedKeyFile,
    comment?: string,
  ): Promise<DecisionResult> {
    const app = await this.application(number);
    const document = app.decisionDocuments?.[decision];
    if (document === undefined) {
      throw new KzpkiApiError(
        'ERR_INVALID_RESPONSE',
        `The CA sent no decision document for application ${number}`,
      );
    }
    const signature = await signData(signer.privateKey, new TextEncoder().encode(document));
    return unwrap(
      this.ca.POST('/v1/cabinet/applications/{number}/decision', {
        params: { path: { number } },
        body: {
          decision,
          certificate: signer.certificatePem,
          signature: toBase64(signature),
          ...(comment !== undefined ? { comment } : {}),
        },
      }),
    );
  }

  /** The holder's certificates (a first manager also sees the organisation's). */
  async certificates(): Promise<CertificateRecord[]> {
    return (await unwrap(this.ca.GET('/v1/cabinet/certificates'))).certificates;
  }

  /** Revokes (or, with `certificateHold`, suspends) a certificate. */
  async revoke(
    serialHex: string,
    reason: RevocationReason,
    options: { invalidityDate?: Date; comment?: string } = {},
  ): Promise<CertificateRecord> {
    return unwrap(
      this.ca.POST('/v1/cabinet/certificates/{serialHex}/revocation', {
        params: { path: { serialHex } },
        body: {
          reason,
          ...(options.invalidityDate ? { invalidityDate: options.invalidityDate.toISOString() } : {}),
          ...(options.comment !== undefined ? { comment: options.comment } : {}),
        },
      }),
    );
  }

  /**
   * Asks for the certificate of one of the organisation's information systems (first manager
   * only): one GOST R 34.10-2015 512-bit request (PEM) naming the system; see
   * `issueInformationSystem` for the whole step with the key and the key file.
   * @throws {KzpkiApiError} the CA's refusal (`ERR_FORBIDDEN`, `ERR_CSR_SUBJECT_MISMATCH`,
   *   `ERR_CSR_KEY_REUSED`, ...; `ERR_TEST_MODE_REQUIRED` for a `validity` outside test mode).
   */
  async requestInformationSystemCertificate(
    csr: string,
    options: { validity?: { notBefore: Date; notAfter: Date } } = {},
  ): Promise<IssuedGostCertificateData> {
    const { validity } = options;
    return unwrap(
      this.ca.POST('/v1/cabinet/information-systems', {
        body: {
          csr,
          ...(validity
            ? {
                validity: {
                  notBefore: validity.notBefore.toISOString(),
                  notAfter: validity.notAfter.toISOString(),
                },
              }
            : {}),
        },
      }),
    );
  }

  /** The CA certificates of both hierarchies (root, issuing CA, OCSP responder; RSA and GOST). */
  async caCertificates(): Promise<CaCertificateData[]> {
    return (await unwrap(this.ca.GET('/v1/ca/certificates'))).certificates;
  }

  /** Releases a certificate from hold. */
  async release(serialHex: string): Promise<CertificateRecord> {
    return unwrap(
      this.ca.POST('/v1/cabinet/certificates/{serialHex}/release', { params: { path: { serialHex } } }),
    );
  }

  /** Ends the session (the token stops working). */
  async logout(): Promise<void> {
    await this.ca.DELETE('/v1/cabinet/sessions/current');
  }
}

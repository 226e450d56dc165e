/**
 * The CA API (`openapi/ca.yaml`) as the portal's screens call it: one method per operation, over
 * the typed client of @kzpki/client. Session tokens are passed per call, since one page may hold
 * an applicant session and a cabinet session at once.
 */
import { type CaClient, createCaClient } from '@kzpki/client';
import { absoluteBase, call, callNoContent } from './http.js';
import type {
  Agreement,
  ApplicantSession,
  Application,
  ApplicationKind,
  ApplicationStatusView,
  ApplicationSummary,
  AuthChallenge,
  CertificateBundle,
  CertificateRecord,
  CertificateSession,
  DecisionResult,
  Health,
  IdentificationRequest,
  IdentificationResult,
  InstallationChallenge,
  KeyFileInstallationChallenge,
  MobileRegistration,
  ModerationItem,
  PendingApplication,
  RevocationReason,
  SmsMessage,
  SubmissionRequest,
  TemplateInfo,
  TemplateName,
} from './types.js';

function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** Client of the reference CA. */
export class CaApi {
  private readonly ca: CaClient;

  /** @param baseUrl origin (and path prefix) of the CA; `''` for the page's own origin. */
  constructor(baseUrl: string) {
    this.ca = createCaClient({ baseUrl: absoluteBase(baseUrl) });
  }

  // --- public
  health(): Promise<Health> {
    return call(this.ca.GET('/v1/health'));
  }

  async templates(): Promise<TemplateInfo[]> {
    return (await call(this.ca.GET('/v1/templates'))).templates;
  }

  agreement(): Promise<Agreement> {
    return call(this.ca.GET('/v1/agreement'));
  }

  applicationStatus(number: string): Promise<ApplicationStatusView> {
    return call(this.ca.GET('/v1/application-status/{number}', { params: { path: { number } } }));
  }

  // --- applicant
  start(body: {
    kind: ApplicationKind;
    template: TemplateName;
    iin: string;
    bin?: string;
  }): Promise<Application> {
    return call(this.ca.POST('/v1/applications', { body }));
  }

  resendOtp(applicationId: string): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/otp', { params: { path: { applicationId } } }),
    );
  }

  verifyOtp(applicationId: string, code: string): Promise<ApplicantSession> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/otp/verification', {
        params: { path: { applicationId } },
        body: { code },
      }),
    );
  }

  getApplication(applicationId: string, token: string): Promise<Application> {
    return call(
      this.ca.GET('/v1/applications/{applicationId}', {
        params: { path: { applicationId } },
        headers: bearer(token),
      }),
    );
  }

  /** Digital ID's phone page: the number registered in the Mobile Citizens Database; sends its code. */
  submitDigitalIdPhone(applicationId: string, token: string, phone: string): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/digital-id/phone', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body: { phone },
      }),
    );
  }

  /** Digital ID's SMS code. */
  verifyDigitalIdPhone(applicationId: string, token: string, code: string): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/digital-id/phone/verification', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body: { code },
      }),
    );
  }

  identify(applicationId: string, token: string, body: IdentificationRequest): Promise<IdentificationResult> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/identification', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body,
      }),
    );
  }

  confirmIdentification(applicationId: string, token: string): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/identification/confirmation', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body: { confirmed: true },
      }),
    );
  }

  grantConsent(applicationId: string, token: string, pin: string): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/consent', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body: { pin },
      }),
    );
  }

  acceptAgreement(applicationId: string, token: string, version: string): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/agreement', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body: { version, accepted: true },
      }),
    );
  }

  submit(
    applicationId: string,
    token: string,
    body: SubmissionRequest,
    idempotencyKey: string,
  ): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/submission', {
        params: { path: { applicationId }, header: { 'Idempotency-Key': idempotencyKey } },
        headers: bearer(token),
        body,
      }),
    );
  }

  issue(applicationId: string, token: string, idempotencyKey: string): Promise<CertificateBundle> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/issuance', {
        params: { path: { applicationId }, header: { 'Idempotency-Key': idempotencyKey } },
        headers: bearer(token),
      }),
    );
  }

  certificates(applicationId: string, token: string): Promise<CertificateBundle> {
    return call(
      this.ca.GET('/v1/applications/{applicationId}/certificates', {
        params: { path: { applicationId } },
        headers: bearer(token),
      }),
    );
  }

  /**
   * The status page's installation from key files (no applicant session): the message each
   * certified key signs, with its public key (issues first when the application allows it).
   */
  keyFileChallenge(number: string): Promise<KeyFileInstallationChallenge> {
    return call(
      this.ca.POST('/v1/application-status/{number}/installation-challenge', {
        params: { path: { number } },
      }),
    );
  }

  /** Signatures by every certified key: the application is installed; returns the certificates. */
  installFromKeyFiles(
    number: string,
    body: { challengeId: string; proofs: Array<{ serialHex: string; signature: string }> },
  ): Promise<CertificateBundle> {
    return call(
      this.ca.POST('/v1/application-status/{number}/installation', { params: { path: { number } }, body }),
    );
  }

  installationChallenge(applicationId: string, token: string): Promise<InstallationChallenge> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/installation-challenge', {
        params: { path: { applicationId } },
        headers: bearer(token),
      }),
    );
  }

  confirmInstallation(
    applicationId: string,
    token: string,
    body: { challengeId: string; proofs: Array<{ serialHex: string; signature: string }> },
  ): Promise<Application> {
    return call(
      this.ca.POST('/v1/applications/{applicationId}/installation', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body,
      }),
    );
  }

  // --- certificate login
  authChallenge(audience: 'cabinet' | 'operator'): Promise<AuthChallenge> {
    return call(this.ca.POST('/v1/auth/challenges', { body: { audience } }));
  }

  login(
    audience: 'cabinet' | 'operator',
    body: { challengeId: string; certificate: string; signature: string },
  ): Promise<CertificateSession> {
    return audience === 'cabinet'
      ? call(this.ca.POST('/v1/cabinet/sessions', { body }))
      : call(this.ca.POST('/v1/operator/sessions', { body }));
  }

  logout(token: string): Promise<void> {
    return callNoContent(this.ca.DELETE('/v1/cabinet/sessions/current', { headers: bearer(token) }));
  }

  // --- cabinet
  async pendingApplications(token: string): Promise<PendingApplication[]> {
    return (await call(this.ca.GET('/v1/cabinet/applications', { headers: bearer(token) }))).applications;
  }

  pendingApplication(token: string, number: string): Promise<PendingApplication> {
    return call(
      this.ca.GET('/v1/cabinet/applications/{number}', {
        params: { path: { number } },
        headers: bearer(token),
      }),
    );
  }

  decide(
    token: string,
    number: string,
    body: { decision: 'approve' | 'reject'; certificate: string; signature: string; comment?: string },
  ): Promise<DecisionResult> {
    return call(
      this.ca.POST('/v1/cabinet/applications/{number}/decision', {
        params: { path: { number } },
        headers: bearer(token),
        body,
      }),
    );
  }

  async cabinetCertificates(token: string): Promise<CertificateRecord[]> {
    return (await call(this.ca.GET('/v1/cabinet/certificates', { headers: bearer(token) }))).certificates;
  }

  revoke(
    audience: 'cabinet' | 'operator',
    token: string,
    serialHex: string,
    body: { reason: RevocationReason; comment?: string },
  ): Promise<CertificateRecord> {
    const init = { params: { path: { serialHex } }, headers: bearer(token), body };
    return audience === 'cabinet'
      ? call(this.ca.POST('/v1/cabinet/certificates/{serialHex}/revocation', init))
      : call(this.ca.POST('/v1/operator/certificates/{serialHex}/revocation', init));
  }

  release(audience: 'cabinet' | 'operator', token: string, serialHex: string): Promise<CertificateRecord> {
    const init = { params: { path: { serialHex } }, headers: bearer(token) };
    return audience === 'cabinet'
      ? call(this.ca.POST('/v1/cabinet/certificates/{serialHex}/release', init))
      : call(this.ca.POST('/v1/operator/certificates/{serialHex}/release', init));
  }

  // --- operator
  async moderationQueue(token: string): Promise<ModerationItem[]> {
    return (await call(this.ca.GET('/v1/operator/moderation', { headers: bearer(token) }))).items;
  }

  decideModeration(
    token: string,
    applicationId: string,
    body: { decision: 'approve' | 'reject'; comment?: string },
  ): Promise<ApplicationSummary> {
    return call(
      this.ca.POST('/v1/operator/moderation/{applicationId}/decision', {
        params: { path: { applicationId } },
        headers: bearer(token),
        body,
      }),
    );
  }

  // --- dev mode
  registerPhone(iin: string, phone: string): Promise<MobileRegistration> {
    return call(this.ca.POST('/v1/dev/mobile-registrations', { body: { iin, phone } }));
  }

  async smsOutbox(iin: string): Promise<SmsMessage[]> {
    return (await call(this.ca.GET('/v1/dev/sms-outbox', { params: { query: { iin } } }))).messages;
  }
}

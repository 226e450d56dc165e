/**
 * The CA API (`openapi/ca.yaml`) as the portal calls it: one method per operation.
 */
import { requestJson } from './http.js';
import type {
  Agreement,
  Application,
  ApplicantSession,
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
  MobileRegistration,
  ModerationItem,
  PendingApplication,
  RevocationReason,
  SmsMessage,
  SubmissionRequest,
  TemplateInfo,
  TemplateName,
} from './types.js';

/** Client of the reference CA. */
export class CaApi {
  /** @param baseUrl origin (and path prefix) of the CA; `''` for the page's own origin. */
  constructor(readonly baseUrl: string) {}

  private url(path: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  private app(id: string, step = ''): string {
    return this.url(`/v1/applications/${encodeURIComponent(id)}${step}`);
  }

  // --- public
  health(): Promise<Health> {
    return requestJson(this.url('/v1/health'));
  }

  async templates(): Promise<TemplateInfo[]> {
    return (await requestJson<{ templates: TemplateInfo[] }>(this.url('/v1/templates'))).templates;
  }

  agreement(): Promise<Agreement> {
    return requestJson(this.url('/v1/agreement'));
  }

  applicationStatus(number: string): Promise<ApplicationStatusView> {
    return requestJson(this.url(`/v1/application-status/${encodeURIComponent(number)}`));
  }

  // --- applicant
  start(body: { kind: ApplicationKind; template: TemplateName; iin: string; bin?: string }): Promise<Application> {
    return requestJson(this.url('/v1/applications'), { body });
  }

  resendOtp(id: string): Promise<Application> {
    return requestJson(this.app(id, '/otp'), { method: 'POST' });
  }

  verifyOtp(id: string, code: string): Promise<ApplicantSession> {
    return requestJson(this.app(id, '/otp/verification'), { body: { code } });
  }

  getApplication(id: string, token: string): Promise<Application> {
    return requestJson(this.app(id), { token });
  }

  identify(id: string, token: string, body: IdentificationRequest): Promise<IdentificationResult> {
    return requestJson(this.app(id, '/identification'), { token, body });
  }

  confirmIdentification(id: string, token: string): Promise<Application> {
    return requestJson(this.app(id, '/identification/confirmation'), { token, body: { confirmed: true } });
  }

  grantConsent(id: string, token: string, pin: string): Promise<Application> {
    return requestJson(this.app(id, '/consent'), { token, body: { pin } });
  }

  acceptAgreement(id: string, token: string, version: string): Promise<Application> {
    return requestJson(this.app(id, '/agreement'), { token, body: { version, accepted: true } });
  }

  submit(id: string, token: string, body: SubmissionRequest, idempotencyKey: string): Promise<Application> {
    return requestJson(this.app(id, '/submission'), { token, body, headers: { 'idempotency-key': idempotencyKey } });
  }

  issue(id: string, token: string, idempotencyKey: string): Promise<CertificateBundle> {
    return requestJson(this.app(id, '/issuance'), {
      method: 'POST',
      token,
      headers: { 'idempotency-key': idempotencyKey },
    });
  }

  certificates(id: string, token: string): Promise<CertificateBundle> {
    return requestJson(this.app(id, '/certificates'), { token });
  }

  installationChallenge(id: string, token: string): Promise<InstallationChallenge> {
    return requestJson(this.app(id, '/installation-challenge'), { method: 'POST', token });
  }

  confirmInstallation(
    id: string,
    token: string,
    body: { challengeId: string; proofs: Array<{ serialHex: string; signature: string }> },
  ): Promise<Application> {
    return requestJson(this.app(id, '/installation'), { token, body });
  }

  // --- certificate login
  authChallenge(audience: 'cabinet' | 'operator'): Promise<AuthChallenge> {
    return requestJson(this.url('/v1/auth/challenges'), { body: { audience } });
  }

  login(
    audience: 'cabinet' | 'operator',
    body: { challengeId: string; certificate: string; signature: string },
  ): Promise<CertificateSession> {
    return requestJson(this.url(audience === 'cabinet' ? '/v1/cabinet/sessions' : '/v1/operator/sessions'), { body });
  }

  logout(token: string): Promise<void> {
    return requestJson(this.url('/v1/cabinet/sessions/current'), { method: 'DELETE', token });
  }

  // --- cabinet
  async pendingApplications(token: string): Promise<PendingApplication[]> {
    return (await requestJson<{ applications: PendingApplication[] }>(this.url('/v1/cabinet/applications'), { token }))
      .applications;
  }

  pendingApplication(token: string, number: string): Promise<PendingApplication> {
    return requestJson(this.url(`/v1/cabinet/applications/${encodeURIComponent(number)}`), { token });
  }

  decide(
    token: string,
    number: string,
    body: { decision: 'approve' | 'reject'; certificate: string; signature: string; comment?: string },
  ): Promise<DecisionResult> {
    return requestJson(this.url(`/v1/cabinet/applications/${encodeURIComponent(number)}/decision`), { token, body });
  }

  async cabinetCertificates(token: string): Promise<CertificateRecord[]> {
    return (await requestJson<{ certificates: CertificateRecord[] }>(this.url('/v1/cabinet/certificates'), { token }))
      .certificates;
  }

  revoke(
    audience: 'cabinet' | 'operator',
    token: string,
    serialHex: string,
    body: { reason: RevocationReason; comment?: string },
  ): Promise<CertificateRecord> {
    return requestJson(this.url(`/v1/${audience}/certificates/${encodeURIComponent(serialHex)}/revocation`), {
      token,
      body,
    });
  }

  release(audience: 'cabinet' | 'operator', token: string, serialHex: string): Promise<CertificateRecord> {
    return requestJson(this.url(`/v1/${audience}/certificates/${encodeURIComponent(serialHex)}/release`), {
      method: 'POST',
      token,
    });
  }

  // --- operator
  async moderationQueue(token: string): Promise<ModerationItem[]> {
    return (await requestJson<{ items: ModerationItem[] }>(this.url('/v1/operator/moderation'), { token })).items;
  }

  decideModeration(
    token: string,
    applicationId: string,
    body: { decision: 'approve' | 'reject'; comment?: string },
  ): Promise<ApplicationSummary> {
    return requestJson(this.url(`/v1/operator/moderation/${encodeURIComponent(applicationId)}/decision`), {
      token,
      body,
    });
  }

  // --- dev mode
  registerPhone(iin: string, phone: string): Promise<MobileRegistration> {
    return requestJson(this.url('/v1/dev/mobile-registrations'), { body: { iin, phone } });
  }

  async smsOutbox(iin: string): Promise<SmsMessage[]> {
    return (await requestJson<{ messages: SmsMessage[] }>(this.url(`/v1/dev/sms-outbox?iin=${encodeURIComponent(iin)}`)))
      .messages;
  }
}

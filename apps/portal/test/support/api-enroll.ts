/**
 * Applicants driven through the CA API from Node with @kzpki/client, for what the browser tests
 * need to exist beforehand (an identification waiting in the moderation queue).
 */
import { createCaClient, devSmsOutbox, unwrap } from '@kzpki/client';
import type { TemplateName } from '@kzpki/pki';

const IMAGE = Buffer.from('\xff\xd8\xff\xe0 simulated JPEG', 'latin1').toString('base64');

/** An applicant after the identification step. */
export interface ApiApplicant {
  id: string;
  token: string;
  /** Status after confirming the recognised document (`identified` or `moderation`). */
  status: string;
}

/** Start, one-time code, identification and its confirmation, through the API. */
export async function identifyViaApi(
  caUrl: string,
  who: { template: TemplateName; iin: string; bin?: string },
): Promise<ApiApplicant> {
  const ca = createCaClient({ baseUrl: caUrl });
  const started = await unwrap(
    ca.POST('/v1/applications', {
      body: {
        kind: who.template === 'individual' ? 'individual' : 'legal-entity',
        template: who.template,
        iin: who.iin,
        ...(who.bin ? { bin: who.bin } : {}),
      },
    }),
  );
  const path = { applicationId: started.id };
  const session = await unwrap(
    ca.POST('/v1/applications/{applicationId}/otp/verification', {
      params: { path },
      body: { code: await devSmsOutbox(caUrl).latestOtp(who.iin) },
    }),
  );
  const headers = { authorization: `Bearer ${session.token}` };
  await unwrap(
    ca.POST('/v1/applications/{applicationId}/identification', {
      params: { path },
      headers,
      body: {
        selfie: IMAGE,
        liveness: { passed: true, score: 0.97 },
        pin: '4831',
        document: { type: 'id-card', frontImage: IMAGE, backImage: IMAGE },
      },
    }),
  );
  const confirmed = await unwrap(
    ca.POST('/v1/applications/{applicationId}/identification/confirmation', {
      params: { path },
      headers,
      body: { confirmed: true },
    }),
  );
  return { id: started.id, token: session.token, status: confirmed.status };
}

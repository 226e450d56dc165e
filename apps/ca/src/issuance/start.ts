/**
 * Step 1: start an application. Checks the identifiers, the registries and the Mobile Citizens
 * Database, then sends the first one-time code (step 2).
 */

import type { ApplicationData, ApplicationRecord } from '@kzpki/ca-store';
import { type IinError, parseBin, parseIin } from '@kzpki/iin';
import { TEMPLATES, type TemplateKind, type TemplateName } from '@kzpki/pki';
import { randomId } from '../crypto/tokens.js';
import { CaError } from '../errors.js';
import { type CaContext, maskPhone } from './context.js';
import { sendOtp, takeSendLimits } from './otp.js';

/** Input of {@link startApplication}. */
export interface StartApplicationInput {
  kind: TemplateKind;
  template: TemplateName;
  iin: string;
  bin?: string;
  /** Client address (rate limits). */
  ip: string;
}

/** Messages telling the user to register a phone (docs/domain.md, Remote issuance for individuals, step 3). */
const REGISTER_PHONE = {
  ru: 'Номер телефона не зарегистрирован в базе мобильных граждан (БМГ). Зарегистрируйте его (видеозвонок с оператором), затем начните заново.',
  kk: 'Телефон нөмірі мобильді азаматтар базасында (МАБ) тіркелмеген. Оны тіркеңіз (оператормен бейнеқоңырау), содан кейін қайта бастаңыз.',
  en: 'The phone number is not registered in the Mobile Citizens Database. Register it (video call with an operator), then start again.',
};

function checkIdentifier(kind: 'IIN' | 'BIN', value: string, checksum: boolean): void {
  try {
    if (kind === 'IIN') parseIin(value, { checksum });
    else parseBin(value, { checksum });
  } catch (cause) {
    throw new CaError(
      kind === 'IIN' ? 'ERR_IIN_INVALID' : 'ERR_BIN_INVALID',
      `Invalid ${kind}: ${(cause as IinError).message}`,
      {
        cause,
      },
    );
  }
}

/** Starts an application and sends the one-time code. */
export async function startApplication(
  ctx: CaContext,
  input: StartApplicationInput,
): Promise<ApplicationRecord> {
  // Kind, BIN and registry rules are the template's (docs/domain.md, Templates and role OIDs).
  const template = TEMPLATES[input.template];
  if (template.kind !== input.kind) {
    throw new CaError(
      'ERR_TEMPLATE_KIND_MISMATCH',
      `Template ${input.template} is for ${template.kind} applications`,
    );
  }
  if (template.binRequired && input.bin === undefined) {
    throw new CaError('ERR_BIN_REQUIRED', 'A legal-entity application needs the BIN of the organisation');
  }
  if (!template.binRequired && input.bin !== undefined) {
    throw new CaError('ERR_BIN_NOT_ALLOWED', 'An individual application has no BIN');
  }
  const checksum = !ctx.config.testMode;
  checkIdentifier('IIN', input.iin, checksum);
  if (input.bin !== undefined) checkIdentifier('BIN', input.bin, checksum);
  await takeSendLimits(ctx, 'application', input.iin, input.ip);

  const person = await ctx.providers.persons.findPerson(input.iin);
  if (!person)
    throw new CaError('ERR_PERSON_NOT_FOUND', 'The IIN is not in the state registry of individuals');
  const data: ApplicationData = {
    person: {
      iin: person.iin,
      surname: person.surname,
      givenName: person.givenName,
      ...(person.patronymic !== undefined ? { patronymic: person.patronymic } : {}),
      birthDate: person.birthDate,
      sex: person.sex,
    },
  };
  if (input.bin !== undefined) {
    const org = await ctx.providers.organizations.findOrganization(input.bin);
    if (!org)
      throw new CaError(
        'ERR_ORGANIZATION_NOT_FOUND',
        'The BIN is not in the state registry of legal entities',
      );
    if (template.registryCheck === 'first-manager' && org.firstManagerIin !== input.iin) {
      throw new CaError(
        'ERR_NOT_FIRST_MANAGER',
        'The IIN is not the registered head (first manager) of this organisation',
      );
    }
    if (template.registryCheck === 'treasury-participant') {
      const participant = org.treasuryParticipants?.find((p) => p.iin === input.iin);
      if (!participant) {
        throw new CaError(
          'ERR_NOT_TREASURY_PARTICIPANT',
          'The IIN is not a Treasury-Client participant of this organisation',
        );
      }
      data.treasury = { roleCode: participant.roleCode, participantCode: participant.participantCode };
    }
    data.organization = { bin: org.bin, name: org.name };
  }
  const phone = await ctx.providers.mobile.findPhone(input.iin);
  if (phone === undefined) {
    throw new CaError('ERR_PHONE_NOT_REGISTERED', REGISTER_PHONE.en, {
      details: { registration: REGISTER_PHONE },
    });
  }

  const now = ctx.now();
  const app: ApplicationRecord = {
    id: randomId(),
    kind: input.kind,
    template: input.template,
    iin: input.iin,
    ...(input.bin !== undefined ? { bin: input.bin } : {}),
    status: 'otp-sent',
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + ctx.config.applicationTtlDays * 86_400_000),
    data,
  };
  const otp = await sendOtp(ctx, app.id, phone, 0);
  app.data.otp = otp;
  await ctx.store.createApplication(app, `applicant:${input.iin}`, {
    actor: `applicant:${input.iin}`,
    action: 'application.started',
    entity: `application:${app.id}`,
    details: { template: app.template, kind: app.kind, bin: app.bin, phone: maskPhone(phone) },
  });
  return app;
}

/**
 * E-mail notifications to the address given in the application form (optional): the events the
 * SMS gateway reports (the moderation and approval decisions) and the submission and issuance
 * besides, in Russian and Kazakh like the SMS texts. Never a one-time code. Sent through
 * `providers.email` after the step is committed; an application without an e-mail, or a CA
 * without an e-mail gateway, sends none.
 */
import type { ApplicationRecord } from '@kzpki/ca-store';
import type { CaContext } from './context.js';

/** What an e-mail reports. */
export type EmailNotice =
  | { event: 'submitted' }
  | { event: 'moderation'; decision: 'approve' | 'reject' }
  | { event: 'approval'; decision: 'approve' | 'reject' }
  | { event: 'issued' };

const MARK = '(kzpki test CA)';

/** Subject and text of a notice about application `n` (its number, or `—` before it has one). */
function compose(notice: EmailNotice, n: string): { subject: string; text: string } {
  switch (notice.event) {
    case 'submitted':
      return {
        subject: `НУЦ РК: заявка ${n} принята / ҚР ҰКО: ${n} өтінімі қабылданды`,
        text: `Заявка на получение ЭЦП ${n} принята. Следите за её статусом на странице статуса заявки.\n${n} ЭЦҚ алуға өтінім қабылданды. Оның мәртебесін өтінім мәртебесі бетінде қадағалаңыз.\n${MARK}`,
      };
    case 'moderation':
      return notice.decision === 'approve'
        ? {
            subject: 'НУЦ РК: документ прошёл проверку / ҚР ҰКО: құжат тексеруден өтті',
            text: `Ваш документ прошёл проверку, продолжите получение ЭЦП.\nҚұжатыңыз тексеруден өтті, ЭЦҚ алуды жалғастырыңыз.\n${MARK}`,
          }
        : {
            subject: 'НУЦ РК: документ не прошёл проверку / ҚР ҰКО: құжат тексеруден өтпеді',
            text: `Ваш документ не прошёл проверку (модерацию).\nҚұжатыңыз тексеруден (модерациядан) өтпеді.\n${MARK}`,
          };
    case 'approval':
      return notice.decision === 'approve'
        ? {
            subject: `НУЦ РК: заявка ${n} подтверждена / ҚР ҰКО: ${n} өтінімі расталды`,
            text: `Заявка ${n} подтверждена в личном кабинете организации: сертификаты можно выпустить.\n${n} өтінімі ұйымның жеке кабинетінде расталды: сертификаттарды шығаруға болады.\n${MARK}`,
          }
        : {
            subject: `НУЦ РК: заявка ${n} отклонена / ҚР ҰКО: ${n} өтінімі қабылданбады`,
            text: `Заявка ${n} отклонена в личном кабинете организации.\n${n} өтінімі ұйымның жеке кабинетінде қабылданбады.\n${MARK}`,
          };
    case 'issued':
      return {
        subject: `НУЦ РК: сертификаты по заявке ${n} выпущены / ҚР ҰКО: ${n} өтінімі бойынша сертификаттар шығарылды`,
        text: `Сертификаты по заявке ${n} выпущены: установите их на странице статуса заявки.\n${n} өтінімі бойынша сертификаттар шығарылды: оларды өтінім мәртебесі бетінде орнатыңыз.\n${MARK}`,
      };
  }
}

/**
 * Sends `notice` about `app` to the application's e-mail, if it has one and the CA has an e-mail
 * gateway. The step it reports is committed already: a gateway failure does not fail the request
 * (the notification is lost, as an undelivered e-mail would be).
 * @example
 * ```ts
 * await notifyByEmail(ctx, updated, { event: 'submitted' });
 * ```
 */
export async function notifyByEmail(
  ctx: CaContext,
  app: ApplicationRecord,
  notice: EmailNotice,
): Promise<void> {
  const to = app.data.email;
  const gateway = ctx.providers.email;
  if (to === undefined || gateway === undefined) return;
  const { subject, text } = compose(notice, app.number ?? '—');
  await gateway.send({ to, subject, text, iin: app.iin }).catch(() => undefined);
}

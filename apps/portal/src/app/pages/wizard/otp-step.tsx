/**
 * Step 1, the one-time code (docs/domain.md, Remote issuance for individuals, step 3): "Одноразовый
 * пароль отправлен на номер телефона", the code field, the 90-second countdown ("Оставшееся
 * время: 90 секунд"), resend after the cooldown, attempts left; in dev mode a helper reads the
 * simulated SMS. Each problem is said once: a malformed code at the field, a refusal by the CA in
 * the alert, and when the attempts are used up the alert says when a new code can be asked for.
 * The same screen takes Digital ID's code (seed step 8), sent to the number given on its phone
 * page: the same countdown, attempts and resend rules, another title.
 */
import { useState } from 'preact/hooks';
import type { ApplicantSession, Application } from '../../api/types.js';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { mmss, useNow } from '../../components/use-now.js';
import { isPortalError, problemCode } from '../../errors.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';
import type { OtpClock } from './wizard-state.js';

/** Digital ID's code: where it went and what follows it. */
export interface DigitalIdCode {
  /** The applicant session. */
  token: string;
  /** The number the code was sent to (a new code goes there too). */
  phone: string;
  onVerified: (app: Application) => void;
  /** Back to the phone field. */
  onOtherNumber: () => void;
}

/** Props of {@link OtpStep}. */
export interface OtpStepProps {
  app: Application;
  /** The code's deadlines on this browser's clock (kept across reloads by the wizard). */
  clock: OtpClock;
  onApp: (app: Application) => void;
  /** The first code: the applicant session it opens. */
  onVerified?: (session: ApplicantSession) => void;
  onNotReceived?: () => void;
  /** Digital ID's code instead of the first one. */
  digitalId?: DigitalIdCode;
}

/** Refusals after which this code cannot be used any more. */
const CODE_SPENT = new Set(['ERR_OTP_ATTEMPTS_EXCEEDED', 'ERR_OTP_EXPIRED']);

/** The one-time code screen. */
export function OtpStep(props: OtpStepProps) {
  const i = useI18n();
  const { ca, health } = useServices();
  const now = useNow(1000);
  const [code, setCode] = useState('');
  const [submitted, setSubmitted] = useState(false);
  // The CA's refusal, kept as its code so the text follows the language and the countdown.
  const [refusal, setRefusal] = useState<unknown>();
  const [notice, setNotice] = useState<Said>();
  const [busy, setBusy] = useState(false);
  const did = props.digitalId;
  const stateOf = (app: Application) => (did ? app.digitalIdOtp : app.otp);
  const [attemptsLeft, setAttemptsLeft] = useState<number | undefined>(stateOf(props.app)?.attemptsLeft);
  const [devCode, setDevCode] = useState<Said>();
  const otp = stateOf(props.app);
  const remaining = Math.max(0, Math.ceil((props.clock.expiresAt - now) / 1000));
  const resendIn = Math.max(0, Math.ceil((props.clock.resendAt - now) / 1000));
  const formatError =
    (submitted || code.length === 6) && !/^[0-9]{6}$/.test(code) ? i.t('otp.format') : undefined;
  const spent = attemptsLeft === 0 || remaining === 0;

  let error: string | undefined;
  const refusalCode = problemCode(refusal);
  if (refusal !== undefined) {
    if (
      refusalCode === 'ERR_OTP_ATTEMPTS_EXCEEDED' ||
      (refusalCode === 'ERR_OTP_INVALID' && attemptsLeft === 0)
    )
      // No running numbers inside the alert: it would be read out again every second.
      error = resendIn > 0 ? i.t('otp.attemptsOverWait') : i.t('otp.attemptsOverResend');
    else if (refusalCode === 'ERR_OTP_EXPIRED')
      error = resendIn > 0 ? i.t('otp.expiredWait') : i.t('otp.expired');
    else error = i.error(refusal);
  }

  const verify = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setRefusal(undefined);
    setNotice(undefined);
    if (!/^[0-9]{6}$/.test(code)) {
      // Said at the field only.
      document.getElementById('otp-code')?.focus();
      return;
    }
    setBusy(true);
    try {
      if (did) did.onVerified(await ca.verifyDigitalIdPhone(props.app.id, did.token, code));
      else props.onVerified?.(await ca.verifyOtp(props.app.id, code));
    } catch (err) {
      const left = isPortalError(err, 'ERR_API') ? err.problem?.attemptsLeft : undefined;
      if (left !== undefined) setAttemptsLeft(left);
      if (CODE_SPENT.has(problemCode(err) ?? '')) setAttemptsLeft(0);
      setRefusal(err);
      setCode('');
      setSubmitted(false);
      document.getElementById('otp-code')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const resend = async (): Promise<void> => {
    if (busy) return;
    setRefusal(undefined);
    setBusy(true);
    try {
      // Digital ID sends a new code when the number is given again.
      const app = did
        ? await ca.submitDigitalIdPhone(props.app.id, did.token, did.phone)
        : await ca.resendOtp(props.app.id);
      props.onApp(app);
      setAttemptsLeft(stateOf(app)?.attemptsLeft);
      setCode('');
      setSubmitted(false);
      setDevCode(undefined);
      setNotice({ key: 'otp.resent' });
      document.getElementById('otp-code')?.focus();
    } catch (err) {
      setRefusal(err);
    } finally {
      setBusy(false);
    }
  };

  const showSms = async (): Promise<void> => {
    try {
      const sms = (await ca.smsOutbox(props.app.iin)).find((m) => m.kind === 'otp');
      setDevCode(
        sms?.code
          ? { key: 'otp.devCode', params: { sender: sms.sender, code: sms.code } }
          : { key: 'otp.devNone' },
      );
    } catch (err) {
      setRefusal(err);
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t(did ? 'didPhone.codeTitle' : 'otp.title')}</ScreenHeading>
      {otp ? (
        <>
          <p class="lead">{i.t('otp.sentTo', { phone: otp.sentTo })}</p>
          <p class="hint">{i.t(did ? 'didPhone.codeFrom' : 'otp.from', { sender: otp.sender })}</p>
        </>
      ) : null}
      <form onSubmit={verify} noValidate>
        <TextField
          id="otp-code"
          label={i.t('otp.label')}
          value={code}
          onValue={(v) => setCode(v.replace(/\D/g, '').slice(0, 6))}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          required
          hint={i.t('otp.hint')}
          error={formatError}
        />
        <p class={`countdown${remaining === 0 ? ' countdown-over' : ''}`} aria-live="off">
          {i.t('otp.remaining', { n: remaining })}
        </p>
        <StatusMessage kind="warn">
          {remaining === 0 && refusal === undefined
            ? resendIn > 0
              ? i.t('otp.expiredWait')
              : i.t('otp.expired')
            : remaining === 30 || remaining === 10
              ? i.t('otp.remaining', { n: remaining })
              : ''}
        </StatusMessage>
        {attemptsLeft !== undefined && !spent ? (
          <p class="hint">{i.t('otp.attempts', { n: attemptsLeft })}</p>
        ) : null}
        <ErrorMessage>{error}</ErrorMessage>
        {notice ? <p class="msg msg-ok">{i.say(notice)}</p> : null}
        {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
        <div class="actions">
          <button
            type="submit"
            class="btn btn-primary"
            disabled={spent}
            aria-disabled={busy ? 'true' : undefined}
          >
            {i.t('otp.verify')}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => void resend()}
            disabled={resendIn > 0}
            aria-disabled={busy ? 'true' : undefined}
          >
            {resendIn > 0 ? i.t('otp.resendIn', { time: mmss(resendIn) }) : i.t('otp.resend')}
          </button>
        </div>
      </form>
      {did ? (
        <p>
          <button type="button" class="link" onClick={did.onOtherNumber}>
            {i.t('didPhone.otherNumber')}
          </button>
        </p>
      ) : props.onNotReceived ? (
        <p>
          <button type="button" class="link" onClick={props.onNotReceived}>
            {i.t('otp.notReceived')}
          </button>
        </p>
      ) : null}
      {health?.devMode ? (
        <div class="dev">
          <button type="button" class="btn btn-small" onClick={() => void showSms()}>
            {i.t('otp.devOutbox')}
          </button>
          {devCode ? <output class="dev-code">{i.say(devCode)}</output> : null}
        </div>
      ) : null}
    </div>
  );
}

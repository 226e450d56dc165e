/**
 * Step 1, the one-time code (docs/domain.md, Remote issuance for individuals, step 3): "Одноразовый пароль отправлен на номер телефона",
 * the code field, the 90-second countdown ("Оставшееся время: 90 секунд"), resend after the
 * cooldown, attempts left; in dev mode a helper reads the simulated SMS.
 */
import { useMemo, useState } from 'preact/hooks';
import type { ApplicantSession, Application } from '../../api/types.js';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { mmss, useNow } from '../../components/use-now.js';
import { isPortalError, problemCode } from '../../errors.js';
import { useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';
import { otpDeadlines } from './otp-deadlines.js';

/** Props of {@link OtpStep}. */
export interface OtpStepProps {
  app: Application;
  onApp: (app: Application) => void;
  onVerified: (session: ApplicantSession) => void;
  onNotReceived: () => void;
}

/** The one-time code screen. */
export function OtpStep(props: OtpStepProps) {
  const i = useI18n();
  const { ca, health } = useServices();
  const now = useNow(1000);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [attemptsLeft, setAttemptsLeft] = useState<number | undefined>(props.app.otp?.attemptsLeft);
  const [devCode, setDevCode] = useState<string>();
  const otp = props.app.otp;
  const deadlines = useMemo(() => otpDeadlines(props.app, Date.now()), [props.app]);
  // The last tick may predate the answer; never count from before it arrived.
  const at = Math.max(now, deadlines.receivedAt);
  const remaining = Math.max(0, Math.ceil((deadlines.expiresAt - at) / 1000));
  const resendIn = Math.max(0, Math.ceil((deadlines.resendAt - at) / 1000));
  const formatError = code !== '' && !/^[0-9]{6}$/.test(code) ? i.t('otp.format') : undefined;

  const verify = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    setNotice(undefined);
    if (!/^[0-9]{6}$/.test(code)) {
      setError(i.t('otp.format'));
      document.getElementById('otp-code')?.focus();
      return;
    }
    setBusy(true);
    try {
      props.onVerified(await ca.verifyOtp(props.app.id, code));
    } catch (err) {
      const left = isPortalError(err, 'ERR_API') ? err.problem?.attemptsLeft : undefined;
      if (left !== undefined) setAttemptsLeft(left);
      if (problemCode(err) === 'ERR_OTP_ATTEMPTS_EXCEEDED' || problemCode(err) === 'ERR_OTP_EXPIRED')
        setAttemptsLeft(0);
      setError(i.error(err));
      setCode('');
      document.getElementById('otp-code')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const resend = async (): Promise<void> => {
    setError(undefined);
    setBusy(true);
    try {
      const app = await ca.resendOtp(props.app.id);
      props.onApp(app);
      setAttemptsLeft(app.otp?.attemptsLeft);
      setCode('');
      setDevCode(undefined);
      setNotice(i.t('otp.resent'));
    } catch (err) {
      setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };

  const showSms = async (): Promise<void> => {
    try {
      const sms = (await ca.smsOutbox(props.app.iin)).find((m) => m.kind === 'otp');
      setDevCode(sms?.code ? i.t('otp.devCode', { sender: sms.sender, code: sms.code }) : '—');
    } catch (err) {
      setError(i.error(err));
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('otp.title')}</ScreenHeading>
      {otp ? (
        <>
          <p class="lead">{i.t('otp.sentTo', { phone: otp.sentTo })}</p>
          <p class="hint">{i.t('otp.from', { sender: otp.sender })}</p>
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
          {remaining === 0
            ? i.t('otp.expired')
            : remaining === 30 || remaining === 10
              ? i.t('otp.remaining', { n: remaining })
              : ''}
        </StatusMessage>
        {attemptsLeft !== undefined ? <p class="hint">{i.t('otp.attempts', { n: attemptsLeft })}</p> : null}
        <ErrorMessage>{error}</ErrorMessage>
        {notice ? <p class="msg msg-ok">{notice}</p> : null}
        {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
        <div class="actions">
          <button
            type="submit"
            class="btn btn-primary"
            disabled={busy || remaining === 0 || attemptsLeft === 0}
          >
            {i.t('otp.verify')}
          </button>
          <button type="button" class="btn" onClick={() => void resend()} disabled={busy || resendIn > 0}>
            {resendIn > 0 ? i.t('otp.resendIn', { time: mmss(resendIn) }) : i.t('otp.resend')}
          </button>
        </div>
      </form>
      <p>
        <button type="button" class="link" onClick={props.onNotReceived}>
          {i.t('otp.notReceived')}
        </button>
      </p>
      {health?.devMode ? (
        <div class="dev">
          <button type="button" class="btn btn-small" onClick={() => void showSms()}>
            {i.t('otp.devOutbox')}
          </button>
          {devCode ? <output class="dev-code">{devCode}</output> : null}
        </div>
      ) : null}
    </div>
  );
}

/**
 * "Запрос доступа" (seeds 000/001 items 20-21): the NCA service asks for the identity document
 * data; the user grants it with the Digital ID PIN. A wrong PIN is said once (with the attempts
 * left), the field is emptied for the next try without a format error beside it.
 */
import { useState } from 'preact/hooks';
import type { Application } from '../../api/types.js';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { isPortalError, problemCode } from '../../errors.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** The consent screen. */
export function ConsentStep(props: {
  app: Application;
  token: string;
  onConsent: (app: Application) => void;
  /** A new application (after the PIN attempts are used up). */
  onRestart: () => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [pin, setPin] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [locked, setLocked] = useState(false);
  const pinError = touched && !/^[0-9]{4,8}$/.test(pin) ? i.t('pin.format') : undefined;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy || locked) return;
    setTouched(true);
    setError(undefined);
    if (!/^[0-9]{4,8}$/.test(pin)) {
      document.getElementById('consent-pin')?.focus();
      return;
    }
    setBusy(true);
    try {
      props.onConsent(await ca.grantConsent(props.app.id, props.token, pin));
    } catch (err) {
      const left = isPortalError(err, 'ERR_API') ? err.problem?.attemptsLeft : undefined;
      const code = problemCode(err);
      setError(
        code === 'ERR_PIN_INVALID' && left !== undefined
          ? { all: [{ error: err }, { key: 'otp.attempts', params: { n: left } }] }
          : { error: err },
      );
      if (code === 'ERR_PIN_ATTEMPTS_EXCEEDED' || code === 'ERR_APPLICATION_EXPIRED') setLocked(true);
      // A fresh, empty field for the next try: not a format error.
      setPin('');
      setTouched(false);
      document.getElementById('consent-pin')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <StatusMessage kind="ok">
        {props.app.status === 'identified' ? `${i.t('identified.title')}. ${i.t('identified.text')}` : ''}
      </StatusMessage>
      <ScreenHeading>{i.t('consent.title')}</ScreenHeading>
      <p>{i.t('consent.text')}</p>
      <ul class="consent-items">
        <li>{i.t('consent.item')}</li>
      </ul>
      <TextField
        id="consent-pin"
        label={i.t('consent.pin')}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={8}
        value={pin}
        onValue={(v) => setPin(v.replace(/\D/g, '').slice(0, 8))}
        required
        error={pinError}
      />
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      {locked ? (
        <button type="button" class="btn btn-primary" onClick={props.onRestart}>
          {i.t('bmg.restart')}
        </button>
      ) : (
        <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
          {i.t('consent.continue')}
        </button>
      )}
    </form>
  );
}

/**
 * "Запрос доступа" (seeds 000/001 items 20-21): the NCA service asks for the identity document
 * data; the user grants it with the Digital ID PIN.
 */
import { useState } from 'preact/hooks';
import type { Application } from '../../api/types.js';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** The consent screen. */
export function ConsentStep(props: {
  app: Application;
  token: string;
  onConsent: (app: Application) => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [pin, setPin] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const pinError = touched && !/^[0-9]{4,8}$/.test(pin) ? i.t('pin.format') : undefined;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!/^[0-9]{4,8}$/.test(pin)) {
      document.getElementById('consent-pin')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onConsent(await ca.grantConsent(props.app.id, props.token, pin));
    } catch (err) {
      setError(i.error(err));
      setPin('');
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
      <ErrorMessage>{error}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {i.t('consent.continue')}
      </button>
    </form>
  );
}

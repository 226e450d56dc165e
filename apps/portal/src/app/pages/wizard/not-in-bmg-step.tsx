/**
 * "Not registered in the Mobile Citizens Database" (docs/domain.md, Remote issuance for individuals, step 3): how to
 * register the phone (video call with an operator through the Kenes assistant), and in dev mode
 * the simulated registration call, after which the user starts again.
 */
import { useState } from 'preact/hooks';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** The registration screen. */
export function NotInBmgStep(props: { iin: string; onRestart: () => void }) {
  const i = useI18n();
  const { ca, health } = useServices();
  const [phone, setPhone] = useState('+7');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const phoneError = touched && !/^\+7[0-9]{10}$/.test(phone) ? i.t('bmg.phoneInvalid') : undefined;

  const register = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!/^\+7[0-9]{10}$/.test(phone)) {
      document.getElementById('bmg-phone')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const r = await ca.registerPhone(props.iin, phone);
      setDone(i.t('bmg.registered', { phone: r.phoneMasked }));
    } catch (err) {
      setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('bmg.title')}</ScreenHeading>
      <p class="msg msg-warn">{i.t('bmg.notRegistered')}</p>
      <p>{i.t('bmg.text')}</p>
      <p>{i.t('bmg.howto')}</p>
      <p>{i.t('bmg.after')}</p>
      {health?.devMode ? (
        <form class="dev" onSubmit={register} noValidate>
          <h2>{i.t('bmg.devTitle')}</h2>
          <TextField
            id="bmg-phone"
            label={i.t('bmg.phone')}
            value={phone}
            onValue={(v) => setPhone(v.replace(/[^\d+]/g, '').slice(0, 12))}
            type="tel"
            autoComplete="tel"
            inputMode="tel"
            required
            hint={i.t('bmg.phoneHint')}
            error={phoneError}
          />
          <ErrorMessage>{error}</ErrorMessage>
          {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
          <button type="submit" class="btn" disabled={busy || done !== undefined}>
            {i.t('bmg.register')}
          </button>
        </form>
      ) : null}
      <StatusMessage kind="ok">{done}</StatusMessage>
      <button type="button" class="btn btn-primary" onClick={props.onRestart}>
        {i.t('bmg.restart')}
      </button>
    </div>
  );
}

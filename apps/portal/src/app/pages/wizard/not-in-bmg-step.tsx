/**
 * The Mobile Citizens Database (docs/domain.md, Remote issuance for individuals, step 3): either
 * the IIN has no phone there, or the code did not arrive; both are solved by (re-)registering the
 * phone by a video call with an operator (the Kenes assistant), then starting again. In dev mode
 * the registration call is simulated. The phone may be typed as people write it (`8 777 ...`).
 */
import { useState } from 'preact/hooks';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { problemCode } from '../../errors.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';
import { PhoneField, usePhoneInput } from './phone-field.js';

/** The registration screen. */
export function NotInBmgStep(props: {
  iin: string;
  /** `not-registered`: the CA found no phone; `no-code`: the user did not receive the SMS. */
  reason: 'not-registered' | 'no-code';
  onRestart: () => void;
}) {
  const i = useI18n();
  const { ca, health } = useServices();
  const phone = usePhoneInput('bmg-phone', 'bmg.phoneInvalid');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [done, setDone] = useState<Said>();

  const register = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const normalized = phone.submit();
    if (!normalized) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await ca.registerPhone(props.iin, normalized);
      setDone({ key: 'bmg.registered', params: { phone: r.phoneMasked } });
      // The next thing to do; the register button is switched off.
      document.getElementById('bmg-restart')?.focus();
    } catch (err) {
      setError(
        problemCode(err) === 'ERR_PHONE_ALREADY_REGISTERED'
          ? { key: 'bmg.alreadyRegistered' }
          : { error: err },
      );
    } finally {
      setBusy(false);
    }
  };

  const noCode = props.reason === 'no-code';
  return (
    <div>
      <ScreenHeading>{i.t(noCode ? 'bmg.noCodeTitle' : 'bmg.title')}</ScreenHeading>
      <p class="msg msg-warn">{i.t(noCode ? 'bmg.noCode' : 'bmg.notRegistered')}</p>
      <p>{i.t(noCode ? 'bmg.noCodeText' : 'bmg.text')}</p>
      <p>{i.t('bmg.howto')}</p>
      <p>{i.t('bmg.after')}</p>
      {health?.devMode ? (
        <form class="dev" onSubmit={register} noValidate>
          <h2>{i.t('bmg.devTitle')}</h2>
          <PhoneField {...phone.field} label={i.t('bmg.phone')} hint={i.t('bmg.phoneHint')} />
          <ErrorMessage>{i.say(error)}</ErrorMessage>
          {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
          <button
            type="submit"
            class="btn"
            disabled={done !== undefined}
            aria-disabled={busy ? 'true' : undefined}
          >
            {i.t('bmg.register')}
          </button>
        </form>
      ) : null}
      <StatusMessage kind="ok">{i.say(done)}</StatusMessage>
      <button type="button" id="bmg-restart" class="btn btn-primary" onClick={props.onRestart}>
        {i.t('bmg.restart')}
      </button>
    </div>
  );
}

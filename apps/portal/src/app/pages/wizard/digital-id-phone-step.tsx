/**
 * Digital ID's phone page (seed steps 8-9): before the Digital ID is created, the remote
 * identification page asks for the phone number registered in the Mobile Citizens Database (БМГ)
 * and sends its own SMS code to it; the code is entered as the first one was (90-second countdown,
 * attempts, resend after the cooldown). The field starts empty: the person types their number, and
 * the CA refuses any other than the registered one without saying which that is.
 */
import { useState } from 'preact/hooks';
import type { Application } from '../../api/types.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage } from '../../components/messages.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';
import { OtpStep } from './otp-step.js';
import { PhoneField, usePhoneInput } from './phone-field.js';
import type { OtpClock } from './wizard-state.js';

/** Props of {@link DigitalIdPhoneStep}. */
export interface DigitalIdPhoneStepProps {
  app: Application;
  /** The applicant session. */
  token: string;
  /** The number the code went to, when this tab sent one. */
  phone?: string;
  /** The code's deadlines on this browser's clock. */
  clock?: OtpClock;
  /** A code was sent to `phone` (first time or again). */
  onCodeSent: (app: Application, phone: string) => void;
  /** The code matched: the Digital ID can be created. */
  onVerified: (app: Application) => void;
}

/** The phone number, then Digital ID's code. */
export function DigitalIdPhoneStep(props: DigitalIdPhoneStepProps) {
  const i = useI18n();
  const { ca } = useServices();
  const phone = usePhoneInput('did-phone', 'didPhone.format');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  // The number field again, after "another number" on the code screen.
  const [editing, setEditing] = useState(false);

  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    const normalized = phone.submit();
    if (!normalized) return;
    setBusy(true);
    setError(undefined);
    try {
      const app = await ca.submitDigitalIdPhone(props.app.id, props.token, normalized);
      setEditing(false);
      props.onCodeSent(app, normalized);
    } catch (err) {
      setError({ error: err });
      document.getElementById('did-phone')?.focus();
    } finally {
      setBusy(false);
    }
  };

  const codeSent = props.app.status === 'digital-id-code-sent' && props.app.digitalIdOtp !== undefined;
  if (codeSent && !editing && props.phone !== undefined && props.clock !== undefined) {
    const sentTo = props.phone;
    return (
      <OtpStep
        app={props.app}
        clock={props.clock}
        onApp={(app) => props.onCodeSent(app, sentTo)}
        digitalId={{
          token: props.token,
          phone: sentTo,
          onVerified: props.onVerified,
          onOtherNumber: () => {
            phone.reset();
            setError(undefined);
            setEditing(true);
          },
        }}
      />
    );
  }

  return (
    <div>
      <ScreenHeading>{i.t('didPhone.title')}</ScreenHeading>
      <p class="lead">{i.t('didPhone.lead')}</p>
      <form onSubmit={send} noValidate>
        <PhoneField {...phone.field} label={i.t('didPhone.label')} hint={i.t('didPhone.hint')} />
        <ErrorMessage>{i.say(error)}</ErrorMessage>
        {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
        <div class="actions">
          <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
            {i.t('didPhone.send')}
          </button>
        </div>
      </form>
    </div>
  );
}

/**
 * The user agreement (seeds 000/001 item 22): its text in the user's language, acceptance and
 * "Подтвердить" (the CA records version and time), or back to the home page.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Agreement, Application } from '../../api/types.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage } from '../../components/messages.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** The agreement screen. */
export function AgreementStep(props: {
  app: Application;
  token: string;
  onAccepted: (app: Application) => void;
  onLeave: () => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [agreement, setAgreement] = useState<Agreement>();
  const [accepted, setAccepted] = useState(false);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();

  useEffect(() => {
    ca.agreement()
      .then(setAgreement)
      .catch((e: unknown) => setError({ error: e }));
  }, []);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    if (!agreement) return;
    if (!accepted) {
      document.getElementById('agreement-accept')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onAccepted(await ca.acceptAgreement(props.app.id, props.token, agreement.version));
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <ScreenHeading>{agreement ? i.text(agreement.title) : i.t('agreement.title')}</ScreenHeading>
      {agreement ? (
        <>
          <p class="hint">{i.t('agreement.version', { version: agreement.version })}</p>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the scrollable text must be reachable by keyboard */}
          <section class="agreement-text" tabIndex={0} aria-label={i.text(agreement.title)}>
            {i
              .text(agreement.text)
              .split(/\n+/)
              .map((p, n) => (
                <p key={String(n)}>{p}</p>
              ))}
          </section>
        </>
      ) : (
        <Busy>{i.t('common.loading')}</Busy>
      )}
      <div class={`field${touched && !accepted ? ' field-invalid' : ''}`}>
        <label class="check">
          <input
            id="agreement-accept"
            type="checkbox"
            checked={accepted}
            required
            aria-required="true"
            aria-invalid={touched && !accepted ? 'true' : undefined}
            aria-describedby={touched && !accepted ? 'agreement-accept-error' : undefined}
            onChange={(e) => setAccepted((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {i.t('agreement.accept')}
        </label>
        {touched && !accepted ? (
          <div class="field-error" id="agreement-accept-error">
            {i.t('agreement.mustAccept')}
          </div>
        ) : null}
      </div>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      <div class="actions">
        <button
          type="submit"
          class="btn btn-primary"
          disabled={!agreement}
          aria-disabled={busy ? 'true' : undefined}
        >
          {i.t('agreement.confirm')}
        </button>
        <button type="button" class="btn" onClick={props.onLeave}>
          {i.t('common.toHome')}
        </button>
      </div>
    </form>
  );
}

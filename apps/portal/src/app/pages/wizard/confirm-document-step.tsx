/**
 * "Подтвердить документ" (seeds 000/001 item 17): the data Digital ID recognised on the identity
 * document, "Подтверждаю, что данные достоверны", "Отправить". The CA compares it with the
 * registry: a match identifies the user, a mismatch sends the document to moderation.
 */
import { useState } from 'preact/hooks';
import type { Application, RecognizedDocument } from '../../api/types.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage } from '../../components/messages.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/messages-ru.js';
import { useServices } from '../../services.js';

/** Rows whose value is the document's own text (names, places, issuer): not translated. */
const DATA: ReadonlySet<MessageKey> = new Set([
  'confirm.number',
  'confirm.surname',
  'confirm.givenName',
  'confirm.patronymic',
  'confirm.birthPlace',
  'confirm.nationality',
  'confirm.issuer',
]);

/** The recognised data, as label/value rows. */
export function DocumentData(props: { doc: RecognizedDocument }) {
  const i = useI18n();
  const d = props.doc;
  const rows: Array<[MessageKey, string | undefined]> = [
    ['confirm.number', d.number],
    ['confirm.surname', d.surname],
    ['confirm.givenName', d.givenName],
    ['confirm.patronymic', d.patronymic],
    ['confirm.iin', d.iin],
    ['confirm.sex', i.t(d.sex === 'male' ? 'sex.male' : 'sex.female')],
    ['confirm.birthDate', i.date(d.birthDate)],
    ['confirm.birthPlace', d.birthPlace],
    ['confirm.nationality', d.nationality],
    ['confirm.issuer', d.issuer],
    ['confirm.issuedAt', i.date(d.issuedAt)],
    ['confirm.validUntil', i.date(d.validUntil)],
  ];
  return (
    <dl class="data">
      {rows
        .filter(([, v]) => v !== undefined && v !== '')
        .map(([k, v]) => (
          <div key={k} class="data-row">
            <dt>{i.t(k)}</dt>
            <dd translate={DATA.has(k) ? false : undefined}>{v}</dd>
          </div>
        ))}
    </dl>
  );
}

/** The confirmation screen. */
export function ConfirmDocumentStep(props: {
  app: Application;
  token: string;
  doc: RecognizedDocument;
  onConfirmed: (app: Application) => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [checked, setChecked] = useState(false);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    if (!checked) {
      document.getElementById('confirm-check')?.focus();
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onConfirmed(await ca.confirmIdentification(props.app.id, props.token));
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <ScreenHeading>{i.t('confirm.title')}</ScreenHeading>
      <DocumentData doc={props.doc} />
      <div class={`field${touched && !checked ? ' field-invalid' : ''}`}>
        <label class="check">
          <input
            id="confirm-check"
            type="checkbox"
            checked={checked}
            required
            aria-required="true"
            aria-invalid={touched && !checked ? 'true' : undefined}
            aria-describedby={touched && !checked ? 'confirm-check-error' : undefined}
            onChange={(e) => setChecked((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {i.t('confirm.check')}
        </label>
        {touched && !checked ? (
          <div class="field-error" id="confirm-check-error">
            {i.t('confirm.mustCheck')}
          </div>
        ) : null}
      </div>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
        {i.t('confirm.send')}
      </button>
    </form>
  );
}

/**
 * The NCA operator's view: login with the operator's key file (NCA-operator role), the moderation
 * queue (documents that did not match the registry, with the differing fields) decided one by one,
 * and revocation of any certificate by serial number.
 */
import { useEffect, useState } from 'preact/hooks';
import type { LocalizedText, ModerationItem, RevocationReason } from '../api/types.js';
import { REASONS } from '../components/certificate-table.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { TextField } from '../components/field.js';
import { ScreenHeading } from '../components/heading.js';
import { KeyLoginForm, type LoggedIn } from '../components/key-login.js';
import { Busy, ErrorMessage, StatusMessage } from '../components/messages.js';
import { RoleNames } from '../components/role-names.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';
import { useServices } from '../services.js';
import { DocumentData } from './wizard/confirm-document-step.js';

/** The operator page. */
export function OperatorPage() {
  const i = useI18n();
  const [login, setLogin] = useState<LoggedIn>();
  const session = login?.session;
  useEffect(() => {
    if (session) document.getElementById('operator-holder')?.focus();
  }, [session]);
  return (
    <div>
      <ScreenHeading>{i.t('op.title')}</ScreenHeading>
      {session ? (
        <>
          <p class="holder-line" id="operator-holder" tabIndex={-1}>
            <span translate={false}>{login.ownerName}</span> — <RoleNames roles={session.holder.roles} />{' '}
            <button type="button" class="btn btn-small" onClick={() => setLogin(undefined)}>
              {i.t('cab.logout')}
            </button>
          </p>
          <Moderation token={session.token} />
          <RevokeBySerial token={session.token} />
        </>
      ) : (
        <KeyLoginForm audience="operator" intro={i.t('op.loginIntro')} onSession={setLogin} />
      )}
    </div>
  );
}

/** Registry field names the CA reports, with their labels on the confirmation screen. */
const FIELD_LABELS: Readonly<Record<string, MessageKey>> = {
  documentNumber: 'confirm.number',
  documentType: 'doc.type',
  number: 'confirm.number',
  iin: 'confirm.iin',
  surname: 'confirm.surname',
  givenName: 'confirm.givenName',
  patronymic: 'confirm.patronymic',
  sex: 'confirm.sex',
  birthDate: 'confirm.birthDate',
  birthPlace: 'confirm.birthPlace',
  nationality: 'confirm.nationality',
  issuer: 'confirm.issuer',
  issuedAt: 'confirm.issuedAt',
  validUntil: 'confirm.validUntil',
};

function Moderation(props: { token: string }) {
  const i = useI18n();
  const fieldLabel = (field: string): string => {
    const key = Object.hasOwn(FIELD_LABELS, field) ? FIELD_LABELS[field] : undefined;
    return key ? i.t(key) : i.t('op.otherField');
  };
  const { ca } = useServices();
  const [items, setItems] = useState<ModerationItem[]>();
  const [error, setError] = useState<Said>();
  const [notice, setNotice] = useState<{ who: string; iin: string; status: LocalizedText }>();
  const [busy, setBusy] = useState<string>();
  const [comments, setComments] = useState<Record<string, string>>({});
  const load = async (): Promise<void> => {
    try {
      setItems(await ca.moderationQueue(props.token));
    } catch (e) {
      setError({ error: e });
    }
  };
  useEffect(() => {
    void load();
  }, [props.token]);
  const decide = async (item: ModerationItem, decision: 'approve' | 'reject'): Promise<void> => {
    if (busy !== undefined) return;
    const id = item.applicationId;
    setBusy(id);
    setError(undefined);
    setNotice(undefined);
    try {
      const comment = comments[id]?.trim();
      const r = await ca.decideModeration(props.token, id, { decision, ...(comment ? { comment } : {}) });
      const d = item.recognizedDocument;
      await load();
      // Named as the operator saw it: the person and the IIN (the application has no number yet).
      setNotice({
        who: [d.surname, d.givenName, d.patronymic].filter(Boolean).join(' '),
        iin: item.iin,
        status: r.statusText,
      });
      requestAnimationFrame(() => document.getElementById('queue-notice')?.focus());
    } catch (e) {
      setError({ error: e });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">
        {i.t('op.queue')}{' '}
        <button type="button" class="btn btn-small" onClick={() => void load()}>
          {i.t('op.refresh')}
        </button>
      </h2>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {notice ? (
        <output class="msg msg-ok" id="queue-notice" tabIndex={-1}>
          {i.t('op.decided')} <span translate={false}>{notice.who}</span> ({i.t('kc.iin')} {notice.iin}) —{' '}
          {i.text(notice.status)}
        </output>
      ) : null}
      {items === undefined ? (
        <Busy>{i.t('common.loading')}</Busy>
      ) : items.length === 0 ? (
        <p>{i.t('op.empty')}</p>
      ) : (
        <ul class="cards">
          {items.map((item) => (
            <li key={item.applicationId} class="card" data-moderation={item.applicationId}>
              <h3>
                <span translate={false}>
                  {item.recognizedDocument.surname} {item.recognizedDocument.givenName}
                </span>{' '}
                — {i.t('kc.iin')} {item.iin}
              </h3>
              <p class="hint">
                {i.t('op.queuedAt')}: {i.dateTime(item.queuedAt)}
              </p>
              <div class="table-wrap">
                <table>
                  <caption>{i.t('op.mismatches')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{i.t('op.field')}</th>
                      <th scope="col">{i.t('op.document')}</th>
                      <th scope="col">{i.t('op.registry')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {item.mismatches.map((m) => (
                      <tr key={m.field}>
                        <th scope="row">{fieldLabel(m.field)}</th>
                        <td translate={false}>{m.document}</td>
                        <td translate={false}>{m.registry}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <details>
                <summary>{i.t('op.recognized')}</summary>
                <DocumentData doc={item.recognizedDocument} />
              </details>
              <TextField
                id={`op-comment-${item.applicationId}`}
                label={i.t('cab.comment')}
                value={comments[item.applicationId] ?? ''}
                onValue={(v) => setComments((c) => ({ ...c, [item.applicationId]: v }))}
                maxLength={500}
              />
              <div class="actions">
                <button
                  type="button"
                  class="btn btn-primary"
                  aria-disabled={busy !== undefined ? 'true' : undefined}
                  onClick={() => void decide(item, 'approve')}
                >
                  {i.t('op.approve')}
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  aria-disabled={busy !== undefined ? 'true' : undefined}
                  onClick={() => void decide(item, 'reject')}
                >
                  {i.t('op.reject')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RevokeBySerial(props: { token: string }) {
  const i = useI18n();
  const { ca } = useServices();
  const [serial, setSerial] = useState('');
  const [reason, setReason] = useState<RevocationReason>('unspecified');
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [notice, setNotice] = useState<Said>();
  const valid = /^[0-9A-Fa-f]{2,40}$/.test(serial);
  const ask = (e: Event): void => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    setNotice(undefined);
    if (!valid) {
      document.getElementById('op-serial')?.focus();
      return;
    }
    setConfirming(true);
  };
  const revoke = async (): Promise<void> => {
    setConfirming(false);
    setBusy(true);
    setError(undefined);
    try {
      const r = await ca.revoke('operator', props.token, serial.toLowerCase(), { reason });
      setNotice({ key: 'cab.revoked', params: { serial: r.serialHex, status: { key: `cert.${r.status}` } } });
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="op-revoke-title">
      <h2 id="op-revoke-title">{i.t('op.revokeTitle')}</h2>
      <form onSubmit={ask} noValidate>
        <TextField
          id="op-serial"
          label={i.t('op.serial')}
          value={serial}
          onValue={(v) => setSerial(v.trim())}
          autoComplete="off"
          spellcheck={false}
          required
          hint={i.t('op.serialHint')}
          error={touched && !valid ? i.t('op.serialInvalid') : undefined}
        />
        <div class="field">
          <label for="op-reason">{i.t('cab.reason')}</label>
          <select
            id="op-reason"
            value={reason}
            onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value as RevocationReason)}
          >
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {i.t(`reason.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <ErrorMessage>{i.say(error)}</ErrorMessage>
        <StatusMessage kind="ok">{i.say(notice)}</StatusMessage>
        {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
        <button type="submit" class="btn btn-danger" aria-disabled={busy ? 'true' : undefined}>
          {i.t('cab.revoke')}
        </button>
      </form>
      {confirming ? (
        <ConfirmDialog
          id="op-revoke-dialog"
          title={i.t('revoke.title')}
          confirmLabel={i.t(reason === 'certificateHold' ? 'revoke.confirmHold' : 'revoke.confirm')}
          cancelLabel={i.t('common.cancel')}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void revoke()}
        >
          <p>{i.t('op.revokeAsk', { serial: serial.toLowerCase(), reason: i.t(`reason.${reason}`) })}</p>
          <p class={`msg ${reason === 'certificateHold' ? 'msg-warn' : 'msg-error'}`}>
            {i.t(reason === 'certificateHold' ? 'revoke.holdConsequence' : 'revoke.consequenceAny')}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

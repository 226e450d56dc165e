/**
 * The NCA operator's view: login with the operator's key file (NCA-operator role), the moderation
 * queue (documents that did not match the registry, with the differing fields) decided one by one,
 * and revocation of any certificate by serial number.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CertificateSession, ModerationItem, RevocationReason } from '../api/types.js';
import { TextField } from '../components/field.js';
import { ScreenHeading } from '../components/heading.js';
import { KeyLoginForm } from '../components/key-login.js';
import { Busy, ErrorMessage, StatusMessage } from '../components/messages.js';
import { REASONS } from '../components/revocation-form.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';
import { useServices } from '../services.js';
import { DocumentData } from './wizard/confirm-document-step.js';

/** The operator page. */
export function OperatorPage() {
  const i = useI18n();
  const [session, setSession] = useState<CertificateSession>();
  return (
    <div>
      <ScreenHeading>{i.t('op.title')}</ScreenHeading>
      {session ? (
        <>
          <p class="holder-line">
            {session.holder.commonName} — {session.holder.roles.join(', ')}{' '}
            <button type="button" class="btn btn-small" onClick={() => setSession(undefined)}>
              {i.t('cab.logout')}
            </button>
          </p>
          <Moderation token={session.token} />
          <RevokeBySerial token={session.token} />
        </>
      ) : (
        <KeyLoginForm audience="operator" intro={i.t('op.loginIntro')} onSession={setSession} />
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
    const key = FIELD_LABELS[field];
    return key ? i.t(key) : field;
  };
  const { ca } = useServices();
  const [items, setItems] = useState<ModerationItem[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [comments, setComments] = useState<Record<string, string>>({});
  const load = async (): Promise<void> => {
    try {
      setItems(await ca.moderationQueue(props.token));
    } catch (e) {
      setError(i.error(e));
    }
  };
  useEffect(() => {
    void load();
  }, [props.token]);
  const decide = async (id: string, decision: 'approve' | 'reject'): Promise<void> => {
    setBusy(id);
    setError(undefined);
    setNotice(undefined);
    try {
      const comment = comments[id]?.trim();
      const r = await ca.decideModeration(props.token, id, { decision, ...(comment ? { comment } : {}) });
      setNotice(i.t('op.decided', { id, status: i.text(r.statusText) }));
      await load();
    } catch (e) {
      setError(i.error(e));
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
      <ErrorMessage>{error}</ErrorMessage>
      <StatusMessage kind="ok">{notice}</StatusMessage>
      {items === undefined ? (
        <Busy>{i.t('common.loading')}</Busy>
      ) : items.length === 0 ? (
        <p>{i.t('op.empty')}</p>
      ) : (
        <ul class="cards">
          {items.map((item) => (
            <li key={item.applicationId} class="card" data-moderation={item.applicationId}>
              <h3>
                {item.recognizedDocument.surname} {item.recognizedDocument.givenName} — {i.t('kc.iin')}{' '}
                {item.iin}
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
                        <td>{m.document}</td>
                        <td>{m.registry}</td>
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
                  disabled={busy !== undefined}
                  onClick={() => void decide(item.applicationId, 'approve')}
                >
                  {i.t('op.approve')}
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={busy !== undefined}
                  onClick={() => void decide(item.applicationId, 'reject')}
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const valid = /^[0-9A-Fa-f]{2,40}$/.test(serial);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!valid) return document.getElementById('op-serial')?.focus();
    setBusy(true);
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await ca.revoke('operator', props.token, serial, { reason });
      setNotice(i.t('cab.revoked', { serial: r.serialHex, status: i.t(`cert.${r.status}`) }));
    } catch (err) {
      setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="op-revoke-title">
      <h2 id="op-revoke-title">{i.t('op.revokeTitle')}</h2>
      <form onSubmit={submit} noValidate>
        <TextField
          id="op-serial"
          label={i.t('op.serial')}
          value={serial}
          onValue={(v) => setSerial(v.trim())}
          autoComplete="off"
          spellcheck={false}
          required
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
        <ErrorMessage>{error}</ErrorMessage>
        <StatusMessage kind="ok">{notice}</StatusMessage>
        <button type="submit" class="btn btn-danger" disabled={busy}>
          {i.t('cab.revoke')}
        </button>
      </form>
    </section>
  );
}

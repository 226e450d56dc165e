/**
 * "Личный кабинет": certificate login with the AUTH key file; a first manager (or a person with
 * signing right, or HR for employees) sees the organisation's applications waiting for them and
 * approves or rejects each with a signature by their SIGN key over the CA's canonical decision
 * document; every holder sees their certificates and may revoke (or suspend and release) them.
 */
import { useEffect, useState } from 'preact/hooks';
import type {
  CertificateRecord,
  CertificateSession,
  PendingApplication,
  RevocationReason,
} from '../api/types.js';
import { APPROVER_ROLES } from '../api/types.js';
import { FileField, fileBytes, TextField } from '../components/field.js';
import { ScreenHeading } from '../components/heading.js';
import { KeyLoginForm } from '../components/key-login.js';
import { Busy, ErrorMessage, StatusMessage } from '../components/messages.js';
import { RevocationForm } from '../components/revocation-form.js';
import { bytesToBase64 } from '../crypto/base64.js';
import { type OpenedKey, openKeyFileFor, signBytes } from '../crypto/key-files.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';
import { useServices } from '../services.js';

/** The cabinet. */
export function CabinetPage() {
  const i = useI18n();
  const [session, setSession] = useState<CertificateSession>();
  return (
    <div>
      <ScreenHeading>{i.t('cab.title')}</ScreenHeading>
      {session ? (
        <Cabinet session={session} onLogout={() => setSession(undefined)} />
      ) : (
        <KeyLoginForm audience="cabinet" intro={i.t('cab.loginIntro')} onSession={setSession} />
      )}
    </div>
  );
}

function Cabinet(props: { session: CertificateSession; onLogout: () => void }) {
  const i = useI18n();
  const { ca } = useServices();
  const { holder, token } = props.session;
  const approver = holder.roles.some((r) => (APPROVER_ROLES as readonly string[]).includes(r));
  const logout = async (): Promise<void> => {
    await ca.logout(token).catch(() => undefined);
    props.onLogout();
  };
  return (
    <>
      <section class="holder" aria-labelledby="holder-title">
        <h2 id="holder-title">{i.t('cab.holder')}</h2>
        <dl class="data">
          <div class="data-row">
            <dt>{i.t('kc.owner')}</dt>
            <dd id="holder-name">{holder.commonName}</dd>
          </div>
          {holder.iin ? (
            <div class="data-row">
              <dt>{i.t('kc.iin')}</dt>
              <dd>{holder.iin}</dd>
            </div>
          ) : null}
          {holder.organization ? (
            <div class="data-row">
              <dt>{i.t('kc.org')}</dt>
              <dd>
                {holder.organization}
                {holder.bin ? ` (${i.t('kc.bin')} ${holder.bin})` : ''}
              </dd>
            </div>
          ) : null}
          <div class="data-row">
            <dt>{i.t('cab.roles')}</dt>
            <dd>{holder.roles.join(', ')}</dd>
          </div>
        </dl>
        <button type="button" class="btn btn-small" onClick={() => void logout()}>
          {i.t('cab.logout')}
        </button>
      </section>
      {approver ? <Approvals token={token} /> : null}
      <Certificates token={token} />
    </>
  );
}

function Approvals(props: { token: string }) {
  const i = useI18n();
  const { ca } = useServices();
  const [pending, setPending] = useState<PendingApplication[]>();
  const [signKey, setSignKey] = useState<OpenedKey>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const [comments, setComments] = useState<Record<string, string>>({});

  const load = async (): Promise<void> => {
    try {
      setPending(await ca.pendingApplications(props.token));
    } catch (e) {
      setError(i.error(e));
    }
  };
  useEffect(() => {
    void load();
  }, [props.token]);

  const decide = async (number: string, decision: 'approve' | 'reject'): Promise<void> => {
    setError(undefined);
    setNotice(undefined);
    if (!signKey) {
      setError(i.t('cab.needSignKey'));
      document.getElementById('sign-key-file')?.focus();
      return;
    }
    setBusy(number);
    try {
      const app = await ca.pendingApplication(props.token, number);
      const doc = app.decisionDocuments?.[decision];
      if (!doc) throw new Error('The CA sent no decision document');
      const signature = await signBytes(signKey.privateKey, new TextEncoder().encode(doc));
      const comment = comments[number]?.trim();
      await ca.decide(props.token, number, {
        decision,
        certificate: signKey.certificatePem,
        signature: bytesToBase64(signature),
        ...(comment ? { comment } : {}),
      });
      setNotice(i.t(decision === 'approve' ? 'cab.approved' : 'cab.rejected', { number }));
      await load();
    } catch (e) {
      setError(i.error(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="pending-title" class="pending">
      <h2 id="pending-title">{i.t('cab.pending')}</h2>
      <SignKeyLoader
        loaded={signKey}
        onLoaded={(key) => {
          setSignKey(key);
          setError(undefined);
        }}
      />
      <ErrorMessage>{error}</ErrorMessage>
      <StatusMessage kind="ok">{notice}</StatusMessage>
      {pending === undefined ? (
        <Busy>{i.t('common.loading')}</Busy>
      ) : pending.length === 0 ? (
        <p>{i.t('cab.noPending')}</p>
      ) : (
        <ul class="cards">
          {pending.map((p) => (
            <li key={p.number} class="card" data-application={p.number}>
              <h3>
                {i.t('status.appNumber')} {p.number}
              </h3>
              <dl class="data">
                <div class="data-row">
                  <dt>{i.t('status.template')}</dt>
                  <dd>{i.text(p.templateTitle)}</dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('cab.applicant')}</dt>
                  <dd>
                    {p.applicant.fullName} ({i.t('kc.iin')} {p.applicant.iin})
                  </dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('kc.org')}</dt>
                  <dd>
                    {p.organization.name} ({i.t('kc.bin')} {p.organization.bin})
                  </dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('cab.submittedAt')}</dt>
                  <dd>{i.dateTime(p.submittedAt)}</dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('cab.requests')}</dt>
                  <dd>{p.requests.map((r) => `${r.purpose.toUpperCase()} ${r.keyAlgorithm}`).join(', ')}</dd>
                </div>
              </dl>
              <TextField
                id={`comment-${p.number}`}
                label={i.t('cab.comment')}
                value={comments[p.number] ?? ''}
                onValue={(v) => setComments((c) => ({ ...c, [p.number]: v }))}
                maxLength={500}
              />
              <div class="actions">
                <button
                  type="button"
                  class="btn btn-primary"
                  disabled={busy !== undefined}
                  onClick={() => void decide(p.number, 'approve')}
                  aria-label={`${i.t('cab.approve')} ${p.number}`}
                >
                  {i.t('cab.approve')}
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={busy !== undefined}
                  onClick={() => void decide(p.number, 'reject')}
                  aria-label={`${i.t('cab.reject')} ${p.number}`}
                >
                  {i.t('cab.reject')}
                </button>
              </div>
              {busy === p.number ? <Busy>{i.t('common.loading')}</Busy> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SignKeyLoader(props: { loaded: OpenedKey | undefined; onLoaded: (key: OpenedKey) => void }) {
  const i = useI18n();
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const load = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!file) return document.getElementById('sign-key-file')?.focus();
    setBusy(true);
    setError(undefined);
    try {
      props.onLoaded(await openKeyFileFor(await fileBytes(file), password, 'sign'));
      setPassword('');
    } catch (err) {
      setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="sign-key" onSubmit={load} noValidate aria-labelledby="sign-key-title">
      <h3 id="sign-key-title">{i.t('cab.signKey')}</h3>
      <p class="hint">{i.t('cab.signKeyIntro')}</p>
      {props.loaded ? (
        <output class="msg msg-ok">{i.t('cab.signKeyLoaded', { name: props.loaded.fileName })}</output>
      ) : (
        <>
          <FileField
            id="sign-key-file"
            label={i.t('cab.signKeyFile')}
            accept=".p12,.pfx,application/x-pkcs12"
            onFile={setFile}
          />
          <TextField
            id="sign-key-password"
            label={i.t('cab.password')}
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
          />
          <ErrorMessage>{error}</ErrorMessage>
          <button type="submit" class="btn" disabled={busy}>
            {i.t('cab.loadSignKey')}
          </button>
        </>
      )}
    </form>
  );
}

/** Certificates with status and revocation (cabinet and operator share the table). */
export function CertificateTable(props: {
  certificates: CertificateRecord[];
  busy: string | undefined;
  onRevoke: (serialHex: string, reason: RevocationReason) => void;
  onRelease: (serialHex: string) => void;
}) {
  const i = useI18n();
  return (
    <div class="table-wrap">
      <table class="certs">
        <thead>
          <tr>
            <th scope="col">{i.t('cab.serial')}</th>
            <th scope="col">{i.t('kc.purpose')}</th>
            <th scope="col">{i.t('cab.subject')}</th>
            <th scope="col">{i.t('cab.validity')}</th>
            <th scope="col">{i.t('cab.certStatus')}</th>
            <th scope="col">{i.t('cab.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.certificates.map((c) => (
            <tr key={c.serialHex} data-serial={c.serialHex} data-status={c.status}>
              <td>
                <code>{c.serialHex}</code>
              </td>
              <td>{c.purpose ? i.t(`purpose.${c.purpose}` as MessageKey) : ''}</td>
              {/* A space after each RDN lets the long DN wrap between attributes. */}
              <td class="subject">{c.subject.replace(/,(?=[A-Za-z][\w.]*=)/g, ', ')}</td>
              <td class="nowrap">
                {i.date(c.notBefore)} – {i.date(c.notAfter)}
              </td>
              <td>
                {i.t(`cert.${c.status}`)}
                {c.reason ? ` (${i.t(`reason.${c.reason}`)})` : ''}
              </td>
              <td>
                {c.status === 'good' ? (
                  <RevocationForm
                    idPrefix={`revoke-${c.serialHex}`}
                    serialHex={c.serialHex}
                    busy={props.busy !== undefined}
                    onRevoke={(reason) => props.onRevoke(c.serialHex, reason)}
                  />
                ) : c.status === 'hold' ? (
                  <button
                    type="button"
                    class="btn btn-small"
                    disabled={props.busy !== undefined}
                    onClick={() => props.onRelease(c.serialHex)}
                  >
                    {i.t('cab.release')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Certificates(props: { token: string }) {
  const i = useI18n();
  const { ca } = useServices();
  const [certs, setCerts] = useState<CertificateRecord[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const load = async (): Promise<void> => {
    try {
      setCerts(await ca.cabinetCertificates(props.token));
    } catch (e) {
      setError(i.error(e));
    }
  };
  useEffect(() => {
    void load();
  }, [props.token]);
  const act = async (serialHex: string, run: () => Promise<CertificateRecord>): Promise<void> => {
    setBusy(serialHex);
    setError(undefined);
    setNotice(undefined);
    try {
      const r = await run();
      setNotice(i.t('cab.revoked', { serial: r.serialHex, status: i.t(`cert.${r.status}`) }));
      await load();
    } catch (e) {
      setError(i.error(e));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-labelledby="certs-title">
      <h2 id="certs-title">{i.t('cab.certs')}</h2>
      <ErrorMessage>{error}</ErrorMessage>
      <StatusMessage kind="ok">{notice}</StatusMessage>
      {certs === undefined ? (
        <Busy>{i.t('common.loading')}</Busy>
      ) : certs.length === 0 ? (
        <p>{i.t('cab.noCerts')}</p>
      ) : (
        <CertificateTable
          certificates={certs}
          busy={busy}
          onRevoke={(s, reason) => void act(s, () => ca.revoke('cabinet', props.token, s, { reason }))}
          onRelease={(s) => void act(s, () => ca.release('cabinet', props.token, s))}
        />
      )}
    </section>
  );
}

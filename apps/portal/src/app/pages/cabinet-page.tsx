/**
 * "Личный кабинет": certificate login with the AUTH key file (or a legal entity's GOST key file); a
 * first manager (or the person acting for them with signing right, as the CA enforces with
 * `APPROVER_ROLES`) sees the organisation's applications waiting for them and approves or rejects
 * each with a signature by their SIGN key (or GOST key) over the CA's canonical decision
 * document; every holder sees their certificates and may revoke (or suspend and release) them,
 * after a confirmation that says what revoking does.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CertificateRecord, PendingApplication, RevocationReason } from '../api/types.js';
import { APPROVER_ROLES } from '../api/types.js';
import { keyAlgorithmText } from '../certificates/key-algorithm.js';
import { CertificateTable } from '../components/certificate-table.js';
import { FileField, fileBytes, TextField } from '../components/field.js';
import { ScreenHeading } from '../components/heading.js';
import { KeyLoginForm, type LoggedIn } from '../components/key-login.js';
import { type KeySource, KeySourceChoice } from '../components/key-source.js';
import { Busy, ErrorMessage } from '../components/messages.js';
import { RoleNames } from '../components/role-names.js';
import { useNcaLayer } from '../components/use-ncalayer.js';
import { bytesToBase64 } from '../crypto/base64.js';
import { openKeyFileFor } from '../crypto/key-files.js';
import { ncaLayerSigner } from '../crypto/ncalayer.js';
import { fileSigner, type KeySigner } from '../crypto/signer.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import { useServices } from '../services.js';
import { knownKeyFiles, rememberKeyFiles } from '../storage/key-file-names.js';

/** The cabinet. */
export function CabinetPage() {
  const i = useI18n();
  const [login, setLogin] = useState<LoggedIn>();
  return (
    <div>
      <ScreenHeading>{i.t('cab.title')}</ScreenHeading>
      {login ? (
        <Cabinet login={login} onLogout={() => setLogin(undefined)} />
      ) : (
        <KeyLoginForm audience="cabinet" intro={i.t('cab.loginIntro')} onSession={setLogin} />
      )}
    </div>
  );
}

/** A notice that takes the keyboard when it appears (the control that led to it may be gone). */
function Notice(props: { id: string; children: string | undefined }) {
  useEffect(() => {
    if (props.children) document.getElementById(props.id)?.focus();
  }, [props.children]);
  return props.children ? (
    <output class="msg msg-ok" id={props.id} tabIndex={-1}>
      {props.children}
    </output>
  ) : null;
}

function Cabinet(props: { login: LoggedIn; onLogout: () => void }) {
  const i = useI18n();
  const { ca } = useServices();
  const { holder, token } = props.login.session;
  const approver = holder.roles.some((r) => (APPROVER_ROLES as readonly string[]).includes(r));
  // Re-reads the key file names this browser knows when another one is opened here.
  const [, setFilesSeen] = useState(0);
  // The holder's section takes the keyboard after "Войти" (the form is gone).
  useEffect(() => {
    document.getElementById('holder-title')?.focus();
  }, []);
  const logout = async (): Promise<void> => {
    await ca.logout(token).catch(() => undefined);
    props.onLogout();
  };
  return (
    <>
      <section class="holder" aria-labelledby="holder-title">
        <h2 id="holder-title" tabIndex={-1}>
          {i.t('cab.holder')}
        </h2>
        <dl class="data">
          <div class="data-row">
            <dt>{i.t('kc.owner')}</dt>
            <dd id="holder-name" translate={false}>
              {props.login.ownerName}
            </dd>
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
                <span translate={false}>{holder.organization}</span>
                {holder.bin ? ` (${i.t('kc.bin')} ${holder.bin})` : ''}
              </dd>
            </div>
          ) : null}
          <div class="data-row">
            <dt>{i.t('cab.roles')}</dt>
            <dd id="holder-roles">
              <RoleNames roles={holder.roles} />
            </dd>
          </div>
          <div class="data-row">
            <dt>{i.t('cab.loggedInWith')}</dt>
            <dd>
              <code>{props.login.fileName}</code>
              {props.login.via === 'ncalayer' ? ` ${i.t('cab.viaNcaLayer')}` : ''}
            </dd>
          </div>
        </dl>
        <button type="button" class="btn btn-small" onClick={() => void logout()}>
          {i.t('cab.logout')}
        </button>
      </section>
      {/* A key file opened for a decision names its certificate's row too. */}
      {approver ? <Approvals token={token} onKeyFile={() => setFilesSeen((n) => n + 1)} /> : null}
      <Certificates token={token} loginSerial={holder.serialHex} files={knownKeyFiles()} />
    </>
  );
}

function Approvals(props: { token: string; onKeyFile: () => void }) {
  const i = useI18n();
  const { ca } = useServices();
  const [pending, setPending] = useState<PendingApplication[]>();
  const [signKey, setSignKey] = useState<KeySigner>();
  const [error, setError] = useState<Said>();
  const [notice, setNotice] = useState<Said>();
  const [busy, setBusy] = useState<string>();
  const [comments, setComments] = useState<Record<string, string>>({});

  const load = async (): Promise<void> => {
    try {
      setPending(await ca.pendingApplications(props.token));
    } catch (e) {
      setError({ error: e });
    }
  };
  useEffect(() => {
    void load();
  }, [props.token]);

  const decide = async (number: string, decision: 'approve' | 'reject'): Promise<void> => {
    if (busy !== undefined) return;
    setError(undefined);
    setNotice(undefined);
    if (!signKey) {
      setError({ key: 'cab.needSignKey' });
      document.getElementById('sign-key-file')?.focus();
      return;
    }
    setBusy(number);
    try {
      const app = await ca.pendingApplication(props.token, number);
      const doc = app.decisionDocuments?.[decision];
      if (!doc) throw new Error('The CA sent no decision document');
      const signature = await signKey.sign(new TextEncoder().encode(doc));
      const comment = comments[number]?.trim();
      await ca.decide(props.token, number, {
        decision,
        certificate: signKey.certificatePem,
        signature: bytesToBase64(signature),
        ...(comment ? { comment } : {}),
      });
      await load();
      setNotice({ key: decision === 'approve' ? 'cab.approved' : 'cab.rejected', params: { number } });
    } catch (e) {
      setError({ error: e });
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
          props.onKeyFile();
          setSignKey(key);
          setError(undefined);
        }}
      />
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      <Notice id="pending-notice">{i.say(notice)}</Notice>
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
                    <span translate={false}>{p.applicant.fullName}</span> ({i.t('kc.iin')} {p.applicant.iin})
                  </dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('kc.org')}</dt>
                  <dd>
                    <span translate={false}>{p.organization.name}</span> ({i.t('kc.bin')} {p.organization.bin}
                    )
                  </dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('cab.submittedAt')}</dt>
                  <dd>{i.dateTime(p.submittedAt)}</dd>
                </div>
                <div class="data-row">
                  <dt>{i.t('cab.requests')}</dt>
                  <dd>
                    {p.requests
                      .map(
                        (r) =>
                          `${i.t(`purpose.${r.purpose}`)}, ${keyAlgorithmText((k) => i.t(k), r.keyAlgorithm)}`,
                      )
                      .join('; ')}
                  </dd>
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
                  aria-disabled={busy !== undefined ? 'true' : undefined}
                  onClick={() => void decide(p.number, 'approve')}
                  aria-label={`${i.t('cab.approve')} ${p.number}`}
                >
                  {i.t('cab.approve')}
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  aria-disabled={busy !== undefined ? 'true' : undefined}
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

function SignKeyLoader(props: { loaded: KeySigner | undefined; onLoaded: (key: KeySigner) => void }) {
  const i = useI18n();
  const { ncalayerUrl } = useServices();
  const ncalayer = useNcaLayer();
  const [source, setSource] = useState<KeySource>('file');
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const viaNcaLayer = source === 'ncalayer' && ncalayer.state === 'present';
  useEffect(() => {
    if (ncalayer.state === 'present') setSource('ncalayer');
  }, [ncalayer.state]);
  const load = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    if (!viaNcaLayer && !file) return document.getElementById('sign-key-file')?.focus();
    if (!password) return document.getElementById('sign-key-password')?.focus();
    setBusy(true);
    setError(undefined);
    try {
      const key = viaNcaLayer
        ? await ncaLayerSigner(ncalayerUrl, password, 'sign')
        : fileSigner(await openKeyFileFor(await fileBytes(file as File), password, 'sign'));
      rememberKeyFiles([{ serialHex: key.serialHex, fileName: key.fileName }]);
      props.onLoaded(key);
      setPassword('');
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (props.loaded) document.getElementById('sign-key-loaded')?.focus();
  }, [props.loaded]);
  return (
    <form class="sign-key" onSubmit={load} noValidate aria-labelledby="sign-key-title">
      <h3 id="sign-key-title">{i.t('cab.signKey')}</h3>
      <p class="hint">{i.t('cab.signKeyIntro')}</p>
      {props.loaded ? (
        <p class="msg msg-ok" id="sign-key-loaded" tabIndex={-1}>
          {i.t(props.loaded.via === 'ncalayer' ? 'cab.signKeyLoadedNcaLayer' : 'cab.signKeyLoaded', {
            name: props.loaded.fileName,
          })}
        </p>
      ) : (
        <>
          <KeySourceChoice name="sign-key-source" value={source} onChange={setSource} ncalayer={ncalayer} />
          {viaNcaLayer ? null : (
            <FileField
              id="sign-key-file"
              label={i.t('cab.signKeyFile')}
              accept=".p12,.pfx,application/x-pkcs12"
              required
              error={touched && !file ? i.t('cab.chooseKeyFile') : undefined}
              onFile={setFile}
            />
          )}
          <TextField
            id="sign-key-password"
            label={i.t('cab.password')}
            type="password"
            autoComplete="current-password"
            value={password}
            onValue={setPassword}
            required
            hint={viaNcaLayer ? i.t('ncalayer.signHint') : undefined}
            error={touched && (viaNcaLayer || file) && !password ? i.t('cab.enterPassword') : undefined}
          />
          <ErrorMessage>{i.say(error)}</ErrorMessage>
          {busy ? <Busy>{i.t(viaNcaLayer ? 'ncalayer.waiting' : 'common.loading')}</Busy> : null}
          <button type="submit" class="btn" aria-disabled={busy ? 'true' : undefined}>
            {i.t('cab.loadSignKey')}
          </button>
        </>
      )}
    </form>
  );
}

function Certificates(props: { token: string; loginSerial: string; files: ReadonlyMap<string, string> }) {
  const i = useI18n();
  const { ca } = useServices();
  const [certs, setCerts] = useState<CertificateRecord[]>();
  const [error, setError] = useState<Said>();
  const [notice, setNotice] = useState<Said>();
  const [busy, setBusy] = useState<string>();
  const load = async (): Promise<void> => {
    try {
      setCerts(await ca.cabinetCertificates(props.token));
    } catch (e) {
      setError({ error: e });
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
      await load();
      setNotice({ key: 'cab.revoked', params: { serial: r.serialHex, status: { key: `cert.${r.status}` } } });
    } catch (e) {
      setError({ error: e });
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <section aria-labelledby="certs-title">
      <h2 id="certs-title">{i.t('cab.certs')}</h2>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      <Notice id="certs-notice">{i.say(notice)}</Notice>
      {certs === undefined ? (
        <Busy>{i.t('common.loading')}</Busy>
      ) : certs.length === 0 ? (
        <p>{i.t('cab.noCerts')}</p>
      ) : (
        <CertificateTable
          certificates={certs}
          busy={busy}
          files={props.files}
          loginSerial={props.loginSerial}
          caption={i.t('cab.certs')}
          onRevoke={(s, reason: RevocationReason) =>
            void act(s, () => ca.revoke('cabinet', props.token, s, { reason }))
          }
          onRelease={(s) => void act(s, () => ca.release('cabinet', props.token, s))}
        />
      )}
    </section>
  );
}

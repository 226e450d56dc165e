/**
 * Installing the certificates (docs/domain.md: steps 10-11 for individuals, step 3 for legal entities): "Обновить" asks the CA
 * to issue once the application allows it, then the user sets the key-file password and
 * "Загрузить сертификаты" downloads the certificates, builds the two NCA-named PKCS#12 files in
 * the browser from the keys kept here, saves them, and proves possession of both keys to the CA
 * (status "Сертификаты установлены"). The private keys never leave the browser.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Application } from '../api/types.js';
import { base64ToBytes, bytesToBase64 } from '../crypto/base64.js';
import { buildKeyFiles, type KeyFile, signBytes } from '../crypto/key-files.js';
import { useI18n } from '../i18n/i18n.js';
import { useServices } from '../services.js';
import { deleteKeys, type VaultEntry } from '../storage/key-vault.js';
import { saveFile } from './downloads.js';
import { ScreenHeading } from './heading.js';
import { Busy, ErrorMessage, StatusMessage } from './messages.js';
import { PasswordFields, passwordAcceptable } from './password-fields.js';

type Phase = 'loading' | 'waiting' | 'rejected' | 'ready' | 'working' | 'done';

function phaseOf(app: Application): Phase {
  if (app.status === 'installed') return 'done';
  if (['rejected', 'expired', 'identification-rejected', 'revoked'].includes(app.status)) return 'rejected';
  if (app.nextActions.includes('downloadCertificates')) return 'ready';
  return 'waiting';
}

/** Props of {@link InstallPanel}. */
export interface InstallPanelProps {
  entry: VaultEntry;
  /** Called once the installation is confirmed. */
  onInstalled?: (app: Application, files: KeyFile[]) => void;
  /** Render the heading (the wizard does; the status page has its own). */
  heading?: boolean;
}

/** The installation step. */
export function InstallPanel(props: InstallPanelProps) {
  const i = useI18n();
  const { ca } = useServices();
  const { entry } = props;
  const [app, setApp] = useState<Application>();
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState<string>();
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [show, setShow] = useState(false);
  const [touched, setTouched] = useState(false);
  const [format, setFormat] = useState<'modern' | 'legacy'>('modern');
  const [progress, setProgress] = useState('');
  const [files, setFiles] = useState<Array<KeyFile & { url: string }>>([]);
  const urls = useRef<string[]>([]);

  useEffect(
    () => () => {
      for (const u of urls.current) URL.revokeObjectURL(u);
    },
    [],
  );

  const refresh = async (issue: boolean): Promise<void> => {
    setError(undefined);
    try {
      let current = await ca.getApplication(entry.applicationId, entry.token);
      if (issue && current.nextActions.includes('issueCertificates')) {
        await ca.issue(entry.applicationId, entry.token, `issue:${entry.applicationId}`);
        current = await ca.getApplication(entry.applicationId, entry.token);
      }
      setApp(current);
      setPhase(phaseOf(current));
    } catch (e) {
      setError(i.error(e));
      setPhase((p) => (p === 'loading' ? 'waiting' : p));
    }
  };

  useEffect(() => {
    void refresh(false);
  }, [entry.applicationId]);

  const install = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!passwordAcceptable(password, repeat)) return;
    setPhase('working');
    setError(undefined);
    try {
      setProgress(i.t('install.building'));
      const bundle = await ca.certificates(entry.applicationId, entry.token);
      const built = await buildKeyFiles({
        bundle,
        keys: { auth: entry.auth, sign: entry.sign },
        password,
        format,
      });
      const saved = built.map((f) => {
        const url = saveFile(f.bytes, f.fileName);
        urls.current.push(url);
        return { ...f, url };
      });
      setFiles(saved);
      let current = await ca.getApplication(entry.applicationId, entry.token);
      if (current.nextActions.includes('createInstallationChallenge')) {
        setProgress(i.t('install.confirming'));
        const challenge = await ca.installationChallenge(entry.applicationId, entry.token);
        const proofs = [];
        for (const item of challenge.items) {
          const key = item.purpose === 'auth' ? entry.auth : entry.sign;
          const signature = await signBytes(key.privateKey, base64ToBytes(item.toBeSigned));
          proofs.push({ serialHex: item.serialHex, signature: bytesToBase64(signature) });
        }
        current = await ca.confirmInstallation(entry.applicationId, entry.token, {
          challengeId: challenge.challengeId,
          proofs,
        });
      }
      // The key files now hold the keys; the browser's copy is no longer needed.
      await deleteKeys(entry.applicationId);
      setApp(current);
      setPassword('');
      setRepeat('');
      setPhase('done');
      props.onInstalled?.(current, built);
    } catch (err) {
      setError(i.error(err));
      setPhase('ready');
    } finally {
      setProgress('');
    }
  };

  return (
    <section class="install" aria-labelledby="install-heading">
      {props.heading === false ? (
        <h2 id="install-heading">{i.t('install.title')}</h2>
      ) : (
        <ScreenHeading id="install-heading">{i.t('install.title')}</ScreenHeading>
      )}
      {app ? (
        <p class="current-status">
          <span>{i.t('install.status')}</span>{' '}
          <strong data-status={app.status}>{i.text(app.statusText)}</strong>
        </p>
      ) : null}
      <ErrorMessage>{error}</ErrorMessage>
      {phase === 'loading' ? <Busy>{i.t('common.loading')}</Busy> : null}
      {phase === 'waiting' || phase === 'rejected' ? (
        <>
          <StatusMessage kind={phase === 'rejected' ? 'warn' : 'info'}>
            {phase === 'rejected'
              ? i.t('install.rejected')
              : app?.status === 'awaiting-approval'
                ? i.t('install.waiting')
                : i.t('install.waitingIssuance')}
          </StatusMessage>
          {phase === 'waiting' ? (
            <button type="button" class="btn" onClick={() => void refresh(true)}>
              {i.t('install.refresh')}
            </button>
          ) : null}
        </>
      ) : null}
      {phase === 'ready' || phase === 'working' ? (
        <form onSubmit={install} noValidate>
          <h3>{i.t('install.passwordTitle')}</h3>
          <PasswordFields
            idPrefix="keyfile"
            password={password}
            repeat={repeat}
            onPassword={setPassword}
            onRepeat={setRepeat}
            show={show}
            onShow={setShow}
            touched={touched}
          />
          <fieldset class="choice">
            <legend>{i.t('install.format')}</legend>
            <label class="check">
              <input
                type="radio"
                name="p12-format"
                value="modern"
                checked={format === 'modern'}
                onChange={() => setFormat('modern')}
              />{' '}
              {i.t('install.formatModern')}
            </label>
            <label class="check">
              <input
                type="radio"
                name="p12-format"
                value="legacy"
                checked={format === 'legacy'}
                onChange={() => setFormat('legacy')}
              />{' '}
              {i.t('install.formatLegacy')}
            </label>
          </fieldset>
          <p class="msg msg-warn">{i.t('install.remember')}</p>
          {phase === 'working' ? <Busy>{progress}</Busy> : null}
          <button type="submit" class="btn btn-primary" disabled={phase === 'working'}>
            {i.t('install.download')}
          </button>
        </form>
      ) : null}
      {phase === 'done' ? (
        <div class="done">
          <StatusMessage kind="ok">{i.t('done.title')}</StatusMessage>
          <p>{i.t('done.installed')}</p>
          {files.length > 0 ? (
            <>
              <p>{i.t('done.files')}</p>
              <ul class="files">
                {files.map((f) => (
                  <li key={f.fileName}>
                    <span class="file-purpose">{i.t(f.purpose === 'auth' ? 'done.auth' : 'done.sign')}:</span>{' '}
                    <a href={f.url} download={f.fileName} data-purpose={f.purpose}>
                      {f.fileName}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {entry.template === 'treasury' ? <p class="msg msg-info">{i.t('done.treasury')}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

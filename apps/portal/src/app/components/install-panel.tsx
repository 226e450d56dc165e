/**
 * Installing the certificates (docs/domain.md: steps 10-11 for individuals, step 3 for legal
 * entities): "Обновить" asks the CA to issue once the application allows it (the panel also asks
 * by itself, with growing pauses, so an approval is noticed without a click), then the user sets
 * the key-file password and "Загрузить сертификаты" downloads the certificates, builds the
 * NCA-named PKCS#12 files in the browser from the keys kept here (an individual's
 * `AUTH_RSA256_<ski>.p12` and `RSA256_<ski>.p12`, a legal entity's one `GOST512_<ski>.p12`), saves
 * them, and proves possession of every key to the CA (status "Сертификаты установлены"). The
 * private keys never leave the browser.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Application, CaCertificate, CertificatePurpose } from '../api/types.js';
import { base64ToBytes, bytesToBase64 } from '../crypto/base64.js';
import { buildKeyFiles, type InstallKeys, type KeyFile, signInstallationItem } from '../crypto/key-files.js';
import { unsealGostKey } from '../crypto/sealed-key.js';
import { PortalError } from '../errors.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';
import { useServices } from '../services.js';
import { rememberKeyFiles } from '../storage/key-file-names.js';
import { deleteKeys, type VaultEntry } from '../storage/key-vault.js';
import { CaChainLinks } from './ca-chain-links.js';
import { useSavedFiles } from './downloads.js';
import { ScreenHeading } from './heading.js';
import { Busy, ErrorMessage, StatusMessage } from './messages.js';
import { PasswordFields, usePasswordInput } from './password-fields.js';
import { usePoll } from './use-poll.js';

/** The label of a built key file's purpose. */
export const FILE_PURPOSE_LABEL: Record<CertificatePurpose, MessageKey> = {
  auth: 'done.auth',
  sign: 'done.sign',
  'auth+sign': 'done.authSign',
};

/** The keys an entry of the browser's key storage holds, ready to build key files and sign. */
async function installKeysOf(entry: VaultEntry): Promise<InstallKeys> {
  if (entry.gost) return { kind: 'gost', key: await unsealGostKey(entry.gost) };
  if (entry.auth && entry.sign) return { kind: 'rsa', auth: entry.auth, sign: entry.sign };
  throw new PortalError('ERR_KEYS_NOT_FOUND', 'The browser key storage holds no keys for this application');
}

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
  /** Called whenever the panel learns the application's state (keeps the page around it in step). */
  onApp?: (app: Application) => void;
  /** Render the heading (the wizard does; the status page has its own). */
  heading?: boolean;
  /** Show the application's status line (the status page shows it once, above the panel). */
  showStatus?: boolean;
}

/** The installation step. */
export function InstallPanel(props: InstallPanelProps) {
  const i = useI18n();
  const { ca } = useServices();
  const { entry } = props;
  const [app, setApp] = useState<Application>();
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState<Said>();
  const [announce, setAnnounce] = useState<Said>();
  const pw = usePasswordInput('keyfile');
  const [format, setFormat] = useState<'modern' | 'legacy'>('legacy');
  const [progress, setProgress] = useState<Said>();
  const [refreshing, setRefreshing] = useState(false);
  const [manual, setManual] = useState(0);
  const [files, setFiles] = useState<Array<KeyFile & { url: string }>>([]);
  const [chain, setChain] = useState<CaCertificate[]>([]);
  const saveAll = useSavedFiles();
  const onApp = useRef(props.onApp);
  onApp.current = props.onApp;

  /** Asks the CA (with `issue`, also for the certificates once allowed); returns the new phase. */
  const refresh = async (issue: boolean): Promise<Phase> => {
    let current = await ca.getApplication(entry.applicationId, entry.token);
    if (issue && current.nextActions.includes('issueCertificates')) {
      await ca.issue(entry.applicationId, entry.token, `issue:${entry.applicationId}`);
      current = await ca.getApplication(entry.applicationId, entry.token);
    }
    const next = phaseOf(current);
    setApp(current);
    setPhase((p) => (p === 'working' ? p : next));
    setError(undefined);
    onApp.current?.(current);
    return next;
  };

  useEffect(() => {
    // First only look: the page shows where the application stands before anything is issued.
    refresh(false).catch((e: unknown) => {
      setError({ error: e });
      setPhase('waiting');
    });
  }, [entry.applicationId]);

  // Notice the approval and the issuance without a click.
  usePoll(
    async () => {
      const next = await refresh(true);
      if (next === 'ready') setAnnounce({ key: 'install.ready' });
      return next !== 'waiting';
    },
    phase === 'waiting',
    manual,
  );

  const refreshNow = async (): Promise<void> => {
    if (refreshing) return;
    setRefreshing(true);
    setAnnounce(undefined);
    try {
      const next = await refresh(true);
      if (next === 'ready') {
        setAnnounce({ key: 'install.ready' });
        // The button gives way to the password form: the keyboard goes to its heading.
        requestAnimationFrame(() => document.getElementById('install-password-title')?.focus());
      } else if (next === 'waiting') setAnnounce({ key: 'install.unchanged' });
      setManual((n) => n + 1);
    } catch (e) {
      setError({ error: e });
    } finally {
      setRefreshing(false);
    }
  };

  const install = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (phase === 'working') return;
    if (!pw.submit()) return;
    setPhase('working');
    setError(undefined);
    try {
      setProgress({ key: 'install.building' });
      const bundle = await ca.certificates(entry.applicationId, entry.token);
      const keys = await installKeysOf(entry);
      const built = await buildKeyFiles({
        bundle,
        keys,
        password: pw.password,
        format,
      });
      setFiles(saveAll(built));
      setChain(bundle.chain);
      rememberKeyFiles(built.map((f) => ({ serialHex: f.serialHex, fileName: f.fileName })));
      let current = await ca.getApplication(entry.applicationId, entry.token);
      if (current.nextActions.includes('createInstallationChallenge')) {
        setProgress({ key: 'install.confirming' });
        const challenge = await ca.installationChallenge(entry.applicationId, entry.token);
        const proofs = [];
        for (const item of challenge.items) {
          const signature = await signInstallationItem(keys, item.purpose, base64ToBytes(item.toBeSigned));
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
      pw.reset();
      setPhase('done');
      onApp.current?.(current);
      props.onInstalled?.(current, built);
      requestAnimationFrame(() => document.getElementById('install-done')?.focus());
    } catch (err) {
      setError({ error: err });
      setPhase('ready');
    } finally {
      setProgress(undefined);
    }
  };

  return (
    <section class="install" aria-labelledby="install-heading">
      {props.heading === false ? (
        <h2 id="install-heading">{i.t('install.title')}</h2>
      ) : (
        <ScreenHeading id="install-heading">{i.t('install.title')}</ScreenHeading>
      )}
      {app && props.showStatus !== false ? (
        <p class="current-status">
          <span>{i.t('install.status')}</span>{' '}
          <strong data-status={app.status}>{i.text(app.statusText)}</strong>
        </p>
      ) : null}
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      <StatusMessage kind="info">{i.say(announce)}</StatusMessage>
      {phase === 'loading' ? <Busy>{i.t('common.loading')}</Busy> : null}
      {phase === 'waiting' || phase === 'rejected' ? (
        <>
          <p class={`msg ${phase === 'rejected' ? 'msg-warn' : 'msg-info'}`}>
            {phase === 'rejected'
              ? i.t('install.rejected')
              : app?.status === 'awaiting-approval'
                ? i.t('install.waiting')
                : i.t('install.waitingIssuance')}
          </p>
          {phase === 'waiting' ? (
            <>
              <p class="hint">{i.t('install.autoRefresh')}</p>
              <button
                type="button"
                class="btn"
                onClick={() => void refreshNow()}
                aria-disabled={refreshing ? 'true' : undefined}
              >
                {i.t('install.refresh')}
              </button>
              {refreshing ? <Busy>{i.t('common.loading')}</Busy> : null}
            </>
          ) : null}
        </>
      ) : null}
      {phase === 'ready' || phase === 'working' ? (
        <form onSubmit={install} noValidate>
          <h3 id="install-password-title" tabIndex={-1}>
            {i.t('install.passwordTitle')}
          </h3>
          <PasswordFields {...pw.field} />
          <fieldset class="choice" aria-describedby="p12-format-help">
            <legend>{i.t('install.format')}</legend>
            <p class="hint" id="p12-format-help">
              {i.t('install.formatHelp')}
            </p>
            <label class="check">
              <input
                type="radio"
                name="p12-format"
                value="legacy"
                checked={format === 'legacy'}
                onChange={() => setFormat('legacy')}
              />{' '}
              <span>
                <strong>{i.t('install.formatLegacy')}</strong>
                <br />
                <span class="hint">{i.t('install.formatLegacyHint')}</span>
              </span>
            </label>
            <label class="check">
              <input
                type="radio"
                name="p12-format"
                value="modern"
                checked={format === 'modern'}
                onChange={() => setFormat('modern')}
              />{' '}
              <span>
                <strong>{i.t('install.formatModern')}</strong>
                <br />
                <span class="hint">{i.t('install.formatModernHint')}</span>
              </span>
            </label>
          </fieldset>
          <p class="msg msg-warn">{i.t('install.remember')}</p>
          {phase === 'working' ? <Busy>{i.say(progress)}</Busy> : null}
          <button
            type="submit"
            class="btn btn-primary"
            aria-disabled={phase === 'working' ? 'true' : undefined}
          >
            {i.t('install.download')}
          </button>
        </form>
      ) : null}
      {phase === 'done' ? (
        <div class="done">
          <p class="msg msg-ok" id="install-done" tabIndex={-1}>
            {i.t('done.title')}
          </p>
          <p>{i.t('done.installed')}</p>
          {files.length > 0 ? (
            <>
              <p>{i.t('done.files')}</p>
              <ul class="files">
                {files.map((f) => (
                  <li key={f.fileName}>
                    <span class="file-purpose">{i.t(FILE_PURPOSE_LABEL[f.purpose])}:</span>{' '}
                    <a href={f.url} download={f.fileName} data-purpose={f.purpose} translate={false}>
                      {f.fileName}
                    </a>
                  </li>
                ))}
              </ul>
              <CaChainLinks chain={chain} />
            </>
          ) : null}
          {entry.template === 'treasury' ? <p class="msg msg-info">{i.t('done.treasury')}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

/**
 * "Для установки регистрационных свидетельств укажите папку, где были сохранены Ваши закрытые
 * ключи" (seed 001, item 27): on the status page the user points at the key files saved at
 * submission (several files, or the folder), gives their password, and gets the final key files
 * with the certificates installed, in any browser and without this browser's key storage. Every
 * file is opened and matched by public key to a certificate of the application before anything is
 * sent; a wrong password, a damaged file, a key that belongs to no certificate or a certificate
 * without its key stops the installation with a message naming the file, and nothing is written.
 */
import { checkPassword } from '@kzpki/password-policy';
import { useState } from 'preact/hooks';
import type { CaCertificate } from '../api/types.js';
import { base64ToBytes, bytesToBase64 } from '../crypto/base64.js';
import type { KeyFile } from '../crypto/key-files.js';
import { signBytes } from '../crypto/key-files.js';
import {
  buildInstalledKeyFiles,
  type KeyFileProblem,
  keyMatcher,
  matchKeys,
  openPendingKeys,
  type PickedFile,
} from '../crypto/pending-key-files.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import { useServices } from '../services.js';
import { rememberKeyFiles } from '../storage/key-file-names.js';
import { CaChainLinks } from './ca-chain-links.js';
import { useSavedFiles } from './downloads.js';
import { FILE_PURPOSE_LABEL } from './install-panel.js';
import { Busy, ErrorMessage } from './messages.js';

/** What is said about one problem with the picked files. */
export function problemSaid(p: KeyFileProblem): Said {
  switch (p.problem) {
    case 'password':
      return { key: 'keyfiles.wrongPassword', params: { file: p.file } };
    case 'damaged':
      return { key: 'keyfiles.damaged', params: { file: p.file } };
    case 'no-match':
      return { key: 'keyfiles.noMatch', params: { file: p.file } };
    case 'missing':
      return { key: 'keyfiles.missing', params: { purpose: { key: FILE_PURPOSE_LABEL[p.purpose] } } };
  }
}

async function read(list: FileList | null): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const f of Array.from(list ?? [])) {
    out.push({ name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return out;
}

/** The installation from key files for the application `number`. */
export function KeyFileInstallPanel(props: { number: string; onInstalled?: () => void }) {
  const i = useI18n();
  const { ca } = useServices();
  const [picked, setPicked] = useState<PickedFile[]>([]);
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState<Said>();
  const [problems, setProblems] = useState<Said[]>([]);
  const [error, setError] = useState<Said>();
  const [files, setFiles] = useState<Array<KeyFile & { url: string }>>([]);
  const [chain, setChain] = useState<CaCertificate[]>([]);
  const saveAll = useSavedFiles();
  const passwordError = touched && password === '' ? i.t('keyfiles.passwordRequired') : undefined;

  const pick = async (list: FileList | null, folder: boolean): Promise<void> => {
    const chosen = await read(list);
    // The folder picker and the file picker each replace what they chose before.
    setPicked((prev) => [...prev.filter((f) => f.name.includes('/') !== folder), ...chosen]);
    setProblems([]);
    setError(undefined);
  };

  const install = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    setProblems([]);
    setError(undefined);
    if (!picked.some((f) => /\.p12$/i.test(f.name))) {
      setError({ key: 'keyfiles.none' });
      document.getElementById('keyfiles-files')?.focus();
      return;
    }
    if (password === '') {
      document.getElementById('keyfiles-password')?.focus();
      return;
    }
    // The final files are written with this password: refuse it before anything is installed.
    if (!checkPassword(password).ok) {
      setError({ key: 'keyfiles.policy' });
      return;
    }
    try {
      setBusy({ key: 'keyfiles.opening' });
      const opened = await openPendingKeys(picked, password);
      if (opened.problems.length > 0) {
        setProblems(opened.problems.map(problemSaid));
        return;
      }
      setBusy({ key: 'install.confirming' });
      const challenge = await ca.keyFileChallenge(props.number);
      const { pairs, problems: mismatch } = matchKeys(opened.keys, challenge.items, await keyMatcher());
      if (mismatch.length > 0) {
        setProblems(mismatch.map(problemSaid));
        return;
      }
      const proofs = [];
      for (const { item, key } of pairs) {
        const signature = await signBytes(key.signingKey, base64ToBytes(item.toBeSigned));
        proofs.push({ serialHex: item.serialHex, signature: bytesToBase64(signature) });
      }
      const bundle = await ca.installFromKeyFiles(props.number, {
        challengeId: challenge.challengeId,
        proofs,
      });
      setBusy({ key: 'install.building' });
      const built = await buildInstalledKeyFiles({ pairs, bundle, password, format: 'legacy' });
      setFiles(saveAll(built));
      setChain(bundle.chain);
      rememberKeyFiles(built.map((f) => ({ serialHex: f.serialHex, fileName: f.fileName })));
      setPassword('');
      props.onInstalled?.();
      requestAnimationFrame(() => document.getElementById('keyfiles-done')?.focus());
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(undefined);
    }
  };

  if (files.length > 0) {
    return (
      <section class="install" aria-labelledby="keyfiles-heading">
        <h2 id="keyfiles-heading">{i.t('keyfiles.title')}</h2>
        <p class="msg msg-ok" id="keyfiles-done" tabIndex={-1}>
          {i.t('done.title')}
        </p>
        <p>{i.t('done.installed')}</p>
        <p>{i.t('keyfiles.done')}</p>
        <ul class="files">
          {files.map((f) => (
            <li key={f.fileName}>
              <span class="file-purpose">{i.t(FILE_PURPOSE_LABEL[f.purpose])}:</span>{' '}
              <a href={f.url} download={f.fileName} data-installed-purpose={f.purpose} translate={false}>
                {f.fileName}
              </a>
            </li>
          ))}
        </ul>
        <CaChainLinks chain={chain} />
      </section>
    );
  }

  return (
    <section class="install" aria-labelledby="keyfiles-heading">
      <h2 id="keyfiles-heading">{i.t('keyfiles.title')}</h2>
      <p>{i.t('keyfiles.intro')}</p>
      <form onSubmit={install} noValidate>
        <div class="field">
          <label for="keyfiles-folder">{i.t('keyfiles.folder')}</label>
          <input
            id="keyfiles-folder"
            type="file"
            // A property to Preact: true sets it (an empty string would leave the picker a file picker).
            {...{ webkitdirectory: true }}
            onChange={(ev) => void pick((ev.currentTarget as HTMLInputElement).files, true)}
          />
        </div>
        <div class="field">
          <label for="keyfiles-files">{i.t('keyfiles.files')}</label>
          <input
            id="keyfiles-files"
            type="file"
            multiple
            accept=".p12,application/x-pkcs12"
            aria-describedby="keyfiles-files-hint"
            onChange={(ev) => void pick((ev.currentTarget as HTMLInputElement).files, false)}
          />
          <div class="hint" id="keyfiles-files-hint">
            {i.t('keyfiles.filesHint')}
          </div>
        </div>
        {picked.length > 0 ? (
          <p class="hint" id="keyfiles-picked">
            {i.t('keyfiles.picked', { n: picked.filter((f) => /\.p12$/i.test(f.name)).length })}
          </p>
        ) : null}
        <div class={`field${passwordError ? ' field-invalid' : ''}`}>
          <label for="keyfiles-password">{i.t('keyfiles.password')}</label>
          <input
            id="keyfiles-password"
            type="password"
            autoComplete="off"
            value={password}
            aria-invalid={passwordError ? 'true' : undefined}
            aria-describedby={passwordError ? 'keyfiles-password-error' : undefined}
            onInput={(ev) => setPassword((ev.currentTarget as HTMLInputElement).value)}
          />
          {passwordError ? (
            <div class="field-error" id="keyfiles-password-error">
              {passwordError}
            </div>
          ) : null}
        </div>
        <ErrorMessage>{i.say(error)}</ErrorMessage>
        {problems.length > 0 ? (
          <div class="msg msg-error" role="alert" id="keyfiles-problems">
            <ul>
              {problems.map((p) => {
                const text = i.say(p) ?? '';
                return <li key={text}>{text}</li>;
              })}
            </ul>
            <p>{i.t('keyfiles.nothingWritten')}</p>
          </div>
        ) : null}
        {busy ? <Busy>{i.say(busy)}</Busy> : null}
        <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
          {i.t('install.download')}
        </button>
      </form>
    </section>
  );
}

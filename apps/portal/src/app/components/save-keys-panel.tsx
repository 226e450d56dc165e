/**
 * "Путь к хранилищу ключей" (seeds 000/001, step 24): right after submission the keys kept in this
 * browser can also be saved as key files, protected by a password the user sets now, into the
 * folder they choose (the browser's download folder, or wherever the browser asks). With those
 * files the certificates are installed later on the status page in any browser, even after this
 * browser's storage was cleared (`key-file-install-panel.tsx`).
 */
import { useState } from 'preact/hooks';
import { buildPendingKeyFiles, type PendingKeyFile, type PendingKeys } from '../crypto/pending-key-files.js';
import { unsealGostKey } from '../crypto/sealed-key.js';
import { PortalError } from '../errors.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import type { VaultEntry } from '../storage/key-vault.js';
import { useSavedFiles } from './downloads.js';
import { FILE_PURPOSE_LABEL } from './install-panel.js';
import { Busy, ErrorMessage } from './messages.js';
import { PasswordFields, usePasswordInput } from './password-fields.js';

async function pendingKeysOf(entry: VaultEntry): Promise<PendingKeys> {
  if (entry.gost) return { kind: 'gost', key: await unsealGostKey(entry.gost) };
  if (entry.auth && entry.sign) return { kind: 'rsa', auth: entry.auth, sign: entry.sign };
  throw new PortalError('ERR_KEYS_NOT_FOUND', 'The browser key storage holds no keys for this application');
}

/** Saving the application's keys as password-protected key files. */
export function SaveKeysPanel(props: { entry: VaultEntry }) {
  const i = useI18n();
  const pw = usePasswordInput('pending');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [saved, setSaved] = useState<Array<PendingKeyFile & { url: string }>>([]);
  const saveAll = useSavedFiles();

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    if (!pw.submit()) return;
    setBusy(true);
    setError(undefined);
    try {
      const files = await buildPendingKeyFiles({
        keys: await pendingKeysOf(props.entry),
        password: pw.password,
        format: 'legacy',
      });
      setSaved(saveAll(files));
      pw.reset();
      requestAnimationFrame(() => document.getElementById('pending-saved')?.focus());
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="save-keys" aria-labelledby="save-keys-heading">
      <h2 id="save-keys-heading">{i.t('pending.title')}</h2>
      <p>{i.t('pending.intro')}</p>
      {saved.length > 0 ? (
        <div>
          <p class="msg msg-ok" id="pending-saved" tabIndex={-1}>
            {i.t('pending.saved')}
          </p>
          <ul class="files">
            {saved.map((f) => (
              <li key={f.fileName}>
                <span class="file-purpose">{i.t(FILE_PURPOSE_LABEL[f.purpose])}:</span>{' '}
                <a href={f.url} download={f.fileName} data-pending-purpose={f.purpose} translate={false}>
                  {f.fileName}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <form onSubmit={save} noValidate>
          <PasswordFields {...pw.field} />
          <p class="msg msg-warn">{i.t('install.remember')}</p>
          <ErrorMessage>{i.say(error)}</ErrorMessage>
          {busy ? <Busy>{i.t('pending.saving')}</Busy> : null}
          <button type="submit" class="btn" aria-disabled={busy ? 'true' : undefined}>
            {i.t('pending.save')}
          </button>
        </form>
      )}
    </section>
  );
}

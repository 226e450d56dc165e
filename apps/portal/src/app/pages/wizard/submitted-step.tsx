/**
 * "ЗАЯВКА УСПЕШНО СФОРМИРОВАНА!" (docs/domain.md, Remote issuance for legal entities, point 2):
 * the application number shown prominently with "Сохраните или запишите номер заявки!", the next
 * steps for legal-entity employees, saving the keys as password-protected key files (to install
 * from them on the status page in any browser), and the installation panel ("Обновить", password, "Загрузить
 * сертификаты"), which also notices by itself when the certificates are issued.
 */
import { useState } from 'preact/hooks';
import type { Application } from '../../api/types.js';
import { ScreenHeading } from '../../components/heading.js';
import { InstallPanel } from '../../components/install-panel.js';
import { SaveKeysPanel } from '../../components/save-keys-panel.js';
import { useI18n } from '../../i18n/i18n.js';
import type { VaultEntry } from '../../storage/key-vault.js';

/** The submitted screen. */
export function SubmittedStep(props: {
  app: Application;
  /** The keys kept in this browser (absent when this browser does not hold them). */
  entry?: VaultEntry;
  onApp: (app: Application) => void;
  /** Start another application. */
  onNew: () => void;
}) {
  const i = useI18n();
  const [copied, setCopied] = useState(false);
  const number = props.app.number ?? '';
  const needsApproval = props.app.status === 'awaiting-approval';
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(number);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div>
      <section class="submitted" aria-labelledby="submitted-title">
        <ScreenHeading id="submitted-title">{i.t('submitted.title')}</ScreenHeading>
        <p>{i.t('submitted.number')}</p>
        <p class="app-number">
          <output id="application-number" aria-label={i.t('status.number')}>
            {number}
          </output>
          <button type="button" class="btn btn-small" onClick={() => void copy()}>
            {copied ? i.t('common.copied') : i.t('common.copy')}
          </button>
        </p>
        <p class="save-number">
          <strong>{i.t('submitted.save')}</strong>
        </p>
        {needsApproval ? (
          <>
            <p>{i.t('submitted.legalIntro')}</p>
            <ol class="next-steps">
              <li>{i.t('submitted.step1')}</li>
              <li>{i.t('submitted.step2')}</li>
            </ol>
          </>
        ) : null}
        <p class="hint">{i.t('submitted.keys')}</p>
        <p>
          <a href={`#/status/${number}`}>{i.t('submitted.toStatus')}</a>
        </p>
      </section>
      {props.entry ? <SaveKeysPanel entry={props.entry} /> : null}
      {props.entry ? (
        <InstallPanel entry={props.entry} heading={false} onApp={props.onApp} />
      ) : (
        <p class="msg msg-info">{i.t('install.noKeys')}</p>
      )}
      <p>
        <button type="button" class="link" onClick={props.onNew}>
          {i.t('submitted.new')}
        </button>
      </p>
    </div>
  );
}

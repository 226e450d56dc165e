/**
 * "Проверка статуса заявки" (docs/domain.md, Remote issuance for legal entities, point 3): the
 * number, "Искать", then the application's status once at the top, the installation right under
 * it (with the keys this browser holds, or from the key files saved at submission, in any
 * browser), and the application data, the user data and the table of status changes. The status shown and the table follow every change the
 * installation panel sees.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApplicationStatusView } from '../api/types.js';
import { TextField } from '../components/field.js';
import { ScreenHeading } from '../components/heading.js';
import { InstallPanel } from '../components/install-panel.js';
import { KeyFileInstallPanel } from '../components/key-file-install-panel.js';
import { Busy, ErrorMessage } from '../components/messages.js';
import { StatusHistoryTable } from '../components/status-history.js';
import { problemCode } from '../errors.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import { useServices } from '../services.js';
import { keysByNumber, type VaultEntry } from '../storage/key-vault.js';

/** The status page; `initialNumber` comes from `#/status/<number>`. */
export function StatusPage(props: { initialNumber?: string }) {
  const i = useI18n();
  const { ca } = useServices();
  const [number, setNumber] = useState(props.initialNumber ?? '');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [view, setView] = useState<ApplicationStatusView>();
  const [entry, setEntry] = useState<VaultEntry>();
  // Installed from key files here: the panel stays, with the files it made, once the status moves on.
  const [fromKeyFiles, setFromKeyFiles] = useState(false);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const numberError = touched && !/^[0-9]{14}$/.test(number) ? i.t('status.numberInvalid') : undefined;

  const search = async (n: string, focusResult: boolean): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setView(undefined);
    setEntry(undefined);
    setFromKeyFiles(false);
    try {
      const found = await ca.applicationStatus(n);
      setEntry(await keysByNumber(n).catch(() => undefined));
      setView(found);
      if (focusResult) requestAnimationFrame(() => resultHeading.current?.focus());
    } catch (err) {
      const code = problemCode(err);
      setError(
        code === 'ERR_NOT_FOUND' || code === 'ERR_APPLICATION_NOT_FOUND'
          ? { key: 'status.notFound' }
          : { error: err },
      );
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (props.initialNumber && /^[0-9]{14}$/.test(props.initialNumber))
      void search(props.initialNumber, false);
  }, [props.initialNumber]);

  const submit = (e: Event): void => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    if (!/^[0-9]{14}$/.test(number)) {
      document.getElementById('status-number')?.focus();
      return;
    }
    void search(number, true);
  };

  /** The view again, quietly (after the installation panel saw the application move on). */
  const reload = (n: string): void => {
    ca.applicationStatus(n)
      .then(setView)
      .catch(() => undefined);
  };

  const v = view;
  return (
    <div>
      <ScreenHeading>{i.t('status.title')}</ScreenHeading>
      <p class="hint">{i.t('status.sla')}</p>
      <form class="search" onSubmit={submit} noValidate>
        <p class="hint">{i.t('common.requiredNote')}</p>
        <TextField
          id="status-number"
          label={i.t('status.number')}
          value={number}
          onValue={(x) => setNumber(x.replace(/\D/g, '').slice(0, 14))}
          inputMode="numeric"
          autoComplete="off"
          maxLength={14}
          required
          hint={i.t('status.numberHint')}
          error={numberError}
        />
        <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
          {i.t('status.search')}
        </button>
      </form>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      {v ? (
        <div class="status-result">
          <h2 class="current-status" id="status-current" tabIndex={-1} ref={resultHeading}>
            <span>{i.t('status.current')}</span>{' '}
            <strong data-status={v.application.status}>{i.text(v.application.statusText)}</strong>
          </h2>
          {entry ? (
            <InstallPanel
              entry={entry}
              heading={false}
              showStatus={false}
              onApp={(a) => {
                if (a.status !== v.application.status) reload(v.application.number);
              }}
              onInstalled={() => reload(v.application.number)}
            />
          ) : ['approved', 'submitted', 'issued', 'awaiting-approval'].includes(v.application.status) ? (
            <p class="msg msg-info">{i.t('install.noKeys')}</p>
          ) : null}
          {/* Without the keys in this browser: from the key files saved at submission. */}
          {!entry && (fromKeyFiles || ['approved', 'submitted', 'issued'].includes(v.application.status)) ? (
            <KeyFileInstallPanel
              key={v.application.number}
              number={v.application.number}
              onInstalled={() => {
                setFromKeyFiles(true);
                reload(v.application.number);
              }}
            />
          ) : null}
          <section aria-labelledby="status-app">
            <h2 id="status-app">{i.t('status.app')}</h2>
            <dl class="data">
              <div class="data-row">
                <dt>{i.t('status.appNumber')}</dt>
                <dd>{v.application.number}</dd>
              </div>
              <div class="data-row">
                <dt>{i.t('status.created')}</dt>
                <dd>{i.dateTime(v.application.createdAt)}</dd>
              </div>
              <div class="data-row">
                <dt>{i.t('status.template')}</dt>
                <dd>
                  {v.application.kind === 'individual'
                    ? i.text(v.application.templateTitle)
                    : `${i.t('kind.legal-entity')} - ${i.text(v.application.templateTitle)}`}
                </dd>
              </div>
              <div class="data-row">
                <dt>{i.t('status.type')}</dt>
                <dd>{i.t('status.online')}</dd>
              </div>
            </dl>
          </section>
          <section aria-labelledby="status-user">
            <h2 id="status-user">{i.t('status.user')}</h2>
            <dl class="data">
              <div class="data-row">
                <dt>{i.t('status.userKind')}</dt>
                <dd>{i.t(`kind.${v.user.kind}`)}</dd>
              </div>
              {v.user.bin ? (
                <div class="data-row">
                  <dt>{i.t('status.bin')}</dt>
                  <dd>{v.user.bin}</dd>
                </div>
              ) : null}
              {v.user.organization ? (
                <div class="data-row">
                  <dt>{i.t('status.org')}</dt>
                  <dd translate={false}>{v.user.organization}</dd>
                </div>
              ) : null}
              <div class="data-row">
                <dt>{i.t('status.iin')}</dt>
                <dd>{v.user.iin}</dd>
              </div>
              <div class="data-row">
                <dt>{i.t('status.fio')}</dt>
                <dd translate={false}>{v.user.fullName}</dd>
              </div>
            </dl>
          </section>
          <StatusHistoryTable history={v.history} />
        </div>
      ) : null}
    </div>
  );
}

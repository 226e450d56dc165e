/**
 * The document went to moderation (seeds 000/001 items 18-19): the operator decides and an SMS
 * tells the result. The screen says which application waits and how to come back to it (this tab
 * keeps the progress), asks the CA by itself from time to time, and "Проверить результат" asks
 * at once.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Application } from '../../api/types.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { usePoll } from '../../components/use-poll.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** The moderation screen. */
export function ModerationStep(props: {
  app: Application;
  token: string;
  onApp: (app: Application) => void;
  onIdentified: (app: Application) => void;
  onRestart: () => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [app, setApp] = useState(props.app);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [checked, setChecked] = useState(0);
  const rejected = app.status === 'identification-rejected';
  // The check button gives way to "start again": keep the keyboard there.
  useEffect(() => {
    if (rejected && document.activeElement === document.body)
      document.getElementById('moderation-restart')?.focus();
  }, [rejected]);

  /** Asks the CA; `true` once there is nothing more to wait for. */
  const check = async (): Promise<boolean> => {
    const current = await ca.getApplication(app.id, props.token);
    setApp(current);
    props.onApp(current);
    setError(undefined);
    if (current.status === 'identified') {
      props.onIdentified(current);
      return true;
    }
    return current.status !== 'moderation';
  };

  usePoll(check, !rejected, checked);

  const checkNow = async (): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await check();
      setChecked((n) => n + 1);
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('moderation.title')}</ScreenHeading>
      <p>{i.t('moderation.text')}</p>
      <dl class="data">
        <div class="data-row">
          <dt>{i.t('moderation.application')}</dt>
          <dd>{i.t('moderation.applicationOf', { iin: app.iin, date: i.dateTime(app.createdAt) })}</dd>
        </div>
        <div class="data-row">
          <dt>{i.t('status.current')}</dt>
          <dd data-status={app.status}>{i.text(app.statusText)}</dd>
        </div>
      </dl>
      <p class="hint">{i.t('moderation.number')}</p>
      <h2>{i.t('moderation.comeBackTitle')}</h2>
      <p>{i.t('moderation.comeBack')}</p>
      <StatusMessage kind={rejected ? 'warn' : 'info'}>
        {rejected ? i.t('moderation.rejected') : checked > 0 ? i.t('moderation.still') : ''}
      </StatusMessage>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      {rejected ? (
        <button type="button" id="moderation-restart" class="btn btn-primary" onClick={props.onRestart}>
          {i.t('bmg.restart')}
        </button>
      ) : (
        <button
          type="button"
          class="btn btn-primary"
          onClick={() => void checkNow()}
          aria-disabled={busy ? 'true' : undefined}
        >
          {i.t('moderation.refresh')}
        </button>
      )}
    </div>
  );
}

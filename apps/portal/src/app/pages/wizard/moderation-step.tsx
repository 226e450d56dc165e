/**
 * The document went to moderation (seeds 000/001 item 18-19): the operator decides, an SMS tells
 * the result; "Проверить результат" asks the CA for the application's status.
 */
import { useState } from 'preact/hooks';
import type { Application } from '../../api/types.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** The moderation screen. */
export function ModerationStep(props: {
  app: Application;
  token: string;
  onIdentified: (app: Application) => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [app, setApp] = useState(props.app);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [checked, setChecked] = useState(false);
  const rejected = app.status === 'identification-rejected';

  const check = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const current = await ca.getApplication(app.id, props.token);
      setApp(current);
      setChecked(true);
      if (current.status === 'identified') props.onIdentified(current);
    } catch (err) {
      setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('moderation.title')}</ScreenHeading>
      <p>{i.t('moderation.text')}</p>
      <p class="current-status">
        <strong data-status={app.status}>{i.text(app.statusText)}</strong>
      </p>
      <StatusMessage kind={rejected ? 'warn' : 'info'}>
        {rejected ? i.t('moderation.rejected') : checked ? i.t('moderation.still') : ''}
      </StatusMessage>
      <ErrorMessage>{error}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      {rejected ? null : (
        <button type="button" class="btn btn-primary" onClick={() => void check()} disabled={busy}>
          {i.t('moderation.refresh')}
        </button>
      )}
    </div>
  );
}

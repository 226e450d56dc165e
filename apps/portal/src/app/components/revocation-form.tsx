/**
 * Revocation reason and "Отозвать" for one certificate (RFC 5280 reasons the CA accepts;
 * `certificateHold` suspends).
 */
import { useState } from 'preact/hooks';
import type { RevocationReason } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** Reasons offered, in the order of the select. */
export const REASONS: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
];

/** Reason select with the revoke button. */
export function RevocationForm(props: {
  idPrefix: string;
  serialHex: string;
  busy: boolean;
  onRevoke: (reason: RevocationReason) => void;
}) {
  const i = useI18n();
  const [reason, setReason] = useState<RevocationReason>('unspecified');
  const id = `${props.idPrefix}-reason`;
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onRevoke(reason);
      }}
    >
      <label for={id} class="sr-only">
        {i.t('cab.reason')}
      </label>
      <select
        id={id}
        value={reason}
        onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value as RevocationReason)}
      >
        {REASONS.map((r) => (
          <option key={r} value={r}>
            {i.t(`reason.${r}`)}
          </option>
        ))}
      </select>
      <button
        type="submit"
        class="btn btn-danger btn-small"
        disabled={props.busy}
        aria-label={i.t('cab.revokeConfirm', { serial: props.serialHex })}
      >
        {i.t('cab.revoke')}
      </button>
    </form>
  );
}

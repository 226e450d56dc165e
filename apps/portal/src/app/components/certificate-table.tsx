/**
 * Certificates as their holders recognise them (cabinet and operator): what each is for (AUTH or
 * SIGN), the key file that holds it where this browser knows it, its serial number, whose it is
 * in plain words, validity and status; and revocation only after a dialog that names the
 * certificate and says what revoking it does.
 */
import { useState } from 'preact/hooks';
import type { CertificateRecord, RevocationReason } from '../api/types.js';
import { organizationOf, ownerName } from '../certificates/names.js';
import { useI18n } from '../i18n/i18n.js';
import { ConfirmDialog } from './confirm-dialog.js';

/** Revocation reasons offered (RFC 5280 reasons the CA accepts; `certificateHold` suspends). */
export const REASONS: readonly RevocationReason[] = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
];

/** Props of {@link CertificateTable}. */
export interface CertificateTableProps {
  certificates: CertificateRecord[];
  /** Serial number being acted on (buttons wait meanwhile). */
  busy: string | undefined;
  /** Key file names by lower-case serial number (what this browser knows). */
  files: ReadonlyMap<string, string>;
  /** Serial number of the certificate the current session logged in with, if any. */
  loginSerial?: string;
  caption: string;
  onRevoke: (serialHex: string, reason: RevocationReason) => void;
  onRelease: (serialHex: string) => void;
}

/** What revoking a certificate of each purpose does. */
const REVOKE_CONSEQUENCE = {
  auth: 'revoke.consequenceAuth',
  sign: 'revoke.consequenceSign',
  'auth+sign': 'revoke.consequenceAuthSign',
  other: 'revoke.consequenceAny',
} as const;

/** The certificates table. */
export function CertificateTable(props: CertificateTableProps) {
  const i = useI18n();
  const [revoking, setRevoking] = useState<CertificateRecord>();
  const [reason, setReason] = useState<RevocationReason>('unspecified');
  const fileOf = (c: CertificateRecord): string | undefined => props.files.get(c.serialHex.toLowerCase());
  const purposeText = (c: CertificateRecord): string => {
    return i.t(c.purpose ? `purpose.${c.purpose}` : 'purpose.other');
  };
  return (
    <div class="table-wrap">
      <table class="certs">
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{i.t('cab.certificate')}</th>
            <th scope="col">{i.t('cab.subject')}</th>
            <th scope="col">{i.t('cab.validity')}</th>
            <th scope="col">{i.t('cab.certStatus')}</th>
            <th scope="col">{i.t('cab.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {props.certificates.map((c) => {
            const file = fileOf(c);
            const org = organizationOf(c.subject);
            return (
              <tr key={c.serialHex} data-serial={c.serialHex} data-status={c.status}>
                <td data-label={i.t('cab.certificate')}>
                  <strong class="cert-purpose">{purposeText(c)}</strong>
                  {file ? (
                    <span class="cert-file">
                      {i.t('cab.file')} <code>{file}</code>
                    </span>
                  ) : null}
                  <span class="cert-serial">
                    {i.t('cab.serialShort')} <code>{c.serialHex}</code>
                  </span>
                </td>
                <td data-label={i.t('cab.subject')}>
                  <span class="cert-owner" translate={false}>
                    {ownerName(c.subject)}
                  </span>
                  {c.iin ? (
                    <span class="cert-id">
                      {i.t('kc.iin')} {c.iin}
                    </span>
                  ) : null}
                  {org ? (
                    <span class="cert-id">
                      <span translate={false}>{org}</span>
                      {c.bin ? ` (${i.t('kc.bin')} ${c.bin})` : ''}
                    </span>
                  ) : null}
                </td>
                <td data-label={i.t('cab.validity')}>
                  <span class="nowrap">{i.date(c.notBefore)} –</span>{' '}
                  <span class="nowrap">{i.date(c.notAfter)}</span>
                </td>
                <td data-label={i.t('cab.certStatus')}>
                  {i.t(`cert.${c.status}`)}
                  {c.reason ? ` (${i.t(`reason.${c.reason}`)})` : ''}
                </td>
                <td data-label={i.t('cab.actions')}>
                  {c.status === 'good' ? (
                    <button
                      type="button"
                      class="btn btn-danger btn-small"
                      aria-disabled={props.busy !== undefined ? 'true' : undefined}
                      aria-label={i.t('cab.revokeLabel', { purpose: purposeText(c), serial: c.serialHex })}
                      onClick={() => {
                        if (props.busy !== undefined) return;
                        setReason('unspecified');
                        setRevoking(c);
                      }}
                    >
                      {i.t('cab.revoke')}
                    </button>
                  ) : c.status === 'hold' ? (
                    <button
                      type="button"
                      class="btn btn-small"
                      aria-disabled={props.busy !== undefined ? 'true' : undefined}
                      aria-label={i.t('cab.releaseLabel', { purpose: purposeText(c), serial: c.serialHex })}
                      onClick={() => {
                        if (props.busy === undefined) props.onRelease(c.serialHex);
                      }}
                    >
                      {i.t('cab.release')}
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {revoking ? (
        <ConfirmDialog
          id="revoke-dialog"
          title={i.t('revoke.title')}
          confirmLabel={i.t(reason === 'certificateHold' ? 'revoke.confirmHold' : 'revoke.confirm')}
          cancelLabel={i.t('common.cancel')}
          onCancel={() => setRevoking(undefined)}
          onConfirm={() => {
            const c = revoking;
            setRevoking(undefined);
            props.onRevoke(c.serialHex, reason);
          }}
        >
          <dl class="data">
            <div class="data-row">
              <dt>{i.t('cab.certificate')}</dt>
              <dd>{purposeText(revoking)}</dd>
            </div>
            {fileOf(revoking) ? (
              <div class="data-row">
                <dt>{i.t('kc.keyFile')}</dt>
                <dd>
                  <code>{fileOf(revoking)}</code>
                </dd>
              </div>
            ) : null}
            <div class="data-row">
              <dt>{i.t('cab.serial')}</dt>
              <dd>
                <code>{revoking.serialHex}</code>
              </dd>
            </div>
            <div class="data-row">
              <dt>{i.t('cab.subject')}</dt>
              <dd translate={false}>{ownerName(revoking.subject)}</dd>
            </div>
          </dl>
          <div class="field">
            <label for="revoke-reason">{i.t('cab.reason')}</label>
            <select
              id="revoke-reason"
              value={reason}
              onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value as RevocationReason)}
            >
              {REASONS.map((r) => (
                <option key={r} value={r}>
                  {i.t(`reason.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <p class={`msg ${reason === 'certificateHold' ? 'msg-warn' : 'msg-error'}`} id="revoke-consequence">
            {reason === 'certificateHold'
              ? i.t('revoke.holdConsequence')
              : i.t(REVOKE_CONSEQUENCE[revoking.purpose ?? 'other'])}
          </p>
          {props.loginSerial && props.loginSerial.toLowerCase() === revoking.serialHex.toLowerCase() ? (
            <p class="msg msg-warn">{i.t('revoke.ownLogin')}</p>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/**
 * "Проверка ключа ЭЦП": a certificate or key file (+ password) read in the browser with
 * `inspectCertificate`, and the status service's key check (chain to this CA, OCSP/CRL status)
 * for its certificate. Key files never leave the browser; only the certificate is sent.
 */
import type { CertificateInfo, ChainFailureReason } from '@kzpki/pki';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { KeyCheckResult } from '../api/types.js';
import { keyAlgorithmText } from '../certificates/key-algorithm.js';
import { ownerName } from '../certificates/names.js';
import { FileField, fileBytes, TextField } from '../components/field.js';
import { ScreenHeading } from '../components/heading.js';
import { Busy, ErrorMessage } from '../components/messages.js';
import { RoleNames } from '../components/role-names.js';
import { type InspectedFile, inspectFile } from '../crypto/inspect.js';
import { type I18n, type Said, useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';
import { useServices } from '../services.js';

function Row(props: { label: string; children: ComponentChildren; id?: string; data?: boolean }) {
  return (
    <div class="data-row" data-field={props.id}>
      <dt>{props.label}</dt>
      {/* Names and identifiers are data: not translated (and not checked for the page's language). */}
      <dd translate={props.data ? false : undefined}>{props.children}</dd>
    </div>
  );
}

/** Chain failure reasons of `@kzpki/pki` (`ChainFailureReason`) in words. */
const CHAIN_REASONS: Readonly<Record<ChainFailureReason, MessageKey>> = {
  'no-issuer': 'chain.no-issuer',
  untrusted: 'chain.untrusted',
  expired: 'chain.expired',
  'not-yet-valid': 'chain.not-yet-valid',
  signature: 'chain.signature',
  'not-ca': 'chain.not-ca',
  'key-usage': 'chain.key-usage',
  'path-length': 'chain.path-length',
  'unsupported-algorithm': 'chain.unsupported-algorithm',
  'weak-key': 'chain.weak-key',
  'critical-extension': 'chain.critical-extension',
  malformed: 'chain.malformed',
};

function chainReason(i: I18n, reason: string | undefined): string {
  const key =
    reason && Object.hasOwn(CHAIN_REASONS, reason) ? CHAIN_REASONS[reason as ChainFailureReason] : undefined;
  return i.t(key ?? 'chain.other');
}

function revocationText(i: I18n, r: KeyCheckResult['revocation']): string {
  if (r.status === 'good') return i.t('rev.good');
  if (r.status === 'revoked') {
    return i.t(r.reason === 'certificateHold' ? 'rev.hold' : 'rev.revoked', {
      date: i.dateTime(r.revokedAt),
    });
  }
  return i.t('rev.unknown');
}

/** The parsed certificate. */
export function CertificateDetails(props: { info: CertificateInfo }) {
  const i = useI18n();
  const c = props.info;
  return (
    <dl class="data">
      <Row id="owner" label={i.t('kc.owner')} data>
        {[c.commonName, c.patronymic].filter(Boolean).join(' ') || c.subject.dn}
      </Row>
      {c.iin ? (
        <Row id="iin" label={i.t('kc.iin')}>
          {c.iin}
        </Row>
      ) : null}
      {c.bin ? (
        <Row id="bin" label={i.t('kc.bin')}>
          {c.bin}
        </Row>
      ) : null}
      {c.organization ? (
        <Row id="organization" label={i.t('kc.org')} data>
          {c.organization}
        </Row>
      ) : null}
      {c.email ? (
        <Row id="email" label={i.t('kc.email')} data>
          {c.email}
        </Row>
      ) : null}
      <Row id="purpose" label={i.t('kc.purpose')}>
        {i.t(`purpose.${c.keyPurpose}` as MessageKey)}
      </Row>
      {c.roles.length > 0 ? (
        <Row id="roles" label={i.t('kc.roles')}>
          <RoleNames roles={c.roles} />
        </Row>
      ) : null}
      <Row id="not-before" label={i.t('kc.validFrom')}>
        {i.dateTime(c.notBefore)}
      </Row>
      <Row id="not-after" label={i.t('kc.validTo')}>
        {i.dateTime(c.notAfter)}
      </Row>
      <Row id="issuer" label={i.t('kc.issuer')} data>
        {ownerName(c.issuer.dn)}
      </Row>
      <Row id="serial" label={i.t('kc.serial')}>
        <code>{c.serialNumber}</code>
      </Row>
      <Row id="algorithm" label={i.t('kc.algorithm')}>
        {keyAlgorithmText((k) => i.t(k), c.keyAlgorithm)}
      </Row>
    </dl>
  );
}

/** The key check page. */
export function KeyCheckPage() {
  const i = useI18n();
  const { status } = useServices();
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const [fileError, setFileError] = useState<Said>();
  const [local, setLocal] = useState<InspectedFile>();
  const [remote, setRemote] = useState<KeyCheckResult>();

  const check = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setError(undefined);
    setLocal(undefined);
    setRemote(undefined);
    if (!file) {
      setFileError({ key: 'kc.chooseFile' });
      document.getElementById('kc-file')?.focus();
      return;
    }
    setFileError(undefined);
    setBusy(true);
    try {
      const inspected = await inspectFile(await fileBytes(file), password);
      setLocal(inspected);
      setRemote(await status.keyCheck(inspected.certificatePem));
      // The keyboard goes to the answer (the button stays where it was for another check).
      requestAnimationFrame(() => document.getElementById('kc-result')?.focus());
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('kc.title')}</ScreenHeading>
      <p>{i.t('kc.intro')}</p>
      <form onSubmit={check} noValidate>
        <FileField
          id="kc-file"
          label={i.t('kc.file')}
          accept=".p12,.pfx,.cer,.crt,.pem,.der,application/x-pkcs12,application/pkix-cert"
          required
          error={i.say(fileError)}
          onFile={(f) => {
            setFile(f);
            setFileError(undefined);
          }}
        />
        <TextField
          id="kc-password"
          label={i.t('kc.password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          hint={i.t('kc.passwordHint')}
        />
        <ErrorMessage>{i.say(error)}</ErrorMessage>
        {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
        <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
          {i.t('kc.check')}
        </button>
      </form>
      {local ? (
        <section class="key-check-result" aria-labelledby="kc-result">
          <h2 id="kc-result" tabIndex={-1}>
            {i.t('kc.result')}
          </h2>
          {remote ? (
            <dl class="data verdict">
              <Row id="chain" label={i.t('kc.chain')}>
                <span class={remote.chain.valid ? 'ok' : 'bad'}>
                  {remote.chain.valid
                    ? i.t('kc.chainValid')
                    : i.t('kc.chainInvalid', { reason: chainReason(i, remote.chain.reason) })}
                </span>
              </Row>
              <Row id="revocation" label={i.t('kc.revocation')}>
                <span
                  class={remote.revocation.status === 'good' ? 'ok' : 'bad'}
                  data-revocation={remote.revocation.status}
                >
                  {revocationText(i, remote.revocation)}
                </span>
              </Row>
              {local.kind === 'key-file' ? (
                <Row id="key-file" label={i.t('kc.keyFile')}>
                  <span class={local.keyMatches ? 'ok' : 'bad'}>
                    {local.keyMatches ? i.t('kc.keyMatches') : i.t('kc.keyMismatch')}
                  </span>
                </Row>
              ) : null}
              <Row id="file-name" label={i.t('kc.fileName')}>
                <code>{local.fileName}</code>
              </Row>
            </dl>
          ) : null}
          <CertificateDetails info={local.info} />
        </section>
      ) : null}
    </div>
  );
}

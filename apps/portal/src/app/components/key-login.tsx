/**
 * Certificate login (cabinet and operator): the AUTH key file is opened in the browser with its
 * password, the CA's challenge is signed with the private key, and the CA answers with a session.
 * Neither the key nor the password leaves the browser.
 */
import { useState } from 'preact/hooks';
import type { CertificateSession } from '../api/types.js';
import { base64ToBytes, bytesToBase64 } from '../crypto/base64.js';
import { openKeyFileFor, signBytes } from '../crypto/key-files.js';
import { useI18n } from '../i18n/i18n.js';
import { useServices } from '../services.js';
import { FileField, fileBytes, TextField } from './field.js';
import { Busy, ErrorMessage } from './messages.js';

/** The login form. */
export function KeyLoginForm(props: {
  audience: 'cabinet' | 'operator';
  intro: string;
  onSession: (session: CertificateSession) => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = `${props.audience}-login`;

  const login = async (e: Event): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (!file) return document.getElementById(`${id}-file`)?.focus();
    if (!password) return document.getElementById(`${id}-password`)?.focus();
    setBusy(true);
    setError(undefined);
    try {
      const key = await openKeyFileFor(await fileBytes(file), password, 'auth');
      const challenge = await ca.authChallenge(props.audience);
      const signature = await signBytes(key.privateKey, base64ToBytes(challenge.toBeSigned));
      const session = await ca.login(props.audience, {
        challengeId: challenge.challengeId,
        certificate: key.certificatePem,
        signature: bytesToBase64(signature),
      });
      setPassword('');
      props.onSession(session);
    } catch (err) {
      setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={login} noValidate class="login">
      <p>{props.intro}</p>
      <FileField
        id={`${id}-file`}
        label={i.t('cab.keyFile')}
        accept=".p12,.pfx,application/x-pkcs12"
        required
        error={touched && !file ? i.t('common.required') : undefined}
        onFile={setFile}
      />
      <TextField
        id={`${id}-password`}
        label={i.t('cab.password')}
        type="password"
        autoComplete="current-password"
        value={password}
        onValue={setPassword}
        required
        error={touched && !password ? i.t('common.required') : undefined}
      />
      <ErrorMessage>{error}</ErrorMessage>
      {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
      <button type="submit" class="btn btn-primary" disabled={busy}>
        {i.t('cab.login')}
      </button>
    </form>
  );
}

/**
 * Certificate login (cabinet and operator): the CA's challenge is signed with the AUTH key and the
 * CA answers with a session. The key is a file opened in the browser with its password, or, when
 * NCALayer runs on this computer, a key held by NCALayer (the person picks the file in NCALayer's
 * window). Neither the key nor the password is sent to the CA.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CertificateSession } from '../api/types.js';
import { base64ToBytes, bytesToBase64 } from '../crypto/base64.js';
import { openKeyFileFor } from '../crypto/key-files.js';
import { ncaLayerSigner } from '../crypto/ncalayer.js';
import { loadPki } from '../crypto/pki.js';
import { fileSigner, type KeySigner } from '../crypto/signer.js';
import { type Said, useI18n } from '../i18n/i18n.js';
import { useServices } from '../services.js';
import { rememberKeyFiles } from '../storage/key-file-names.js';
import { FileField, fileBytes, TextField } from './field.js';
import { type KeySource, KeySourceChoice } from './key-source.js';
import { Busy, ErrorMessage } from './messages.js';
import { useNcaLayer } from './use-ncalayer.js';

/** A session and the key it was opened with. */
export interface LoggedIn {
  session: CertificateSession;
  /** The NCA file name of the AUTH key used. */
  fileName: string;
  /** Where that key is. */
  via: KeySigner['via'];
  /** The holder's full name from the certificate (the session names only the CN). */
  ownerName: string;
}

/** The login form. */
export function KeyLoginForm(props: {
  audience: 'cabinet' | 'operator';
  intro: string;
  onSession: (login: LoggedIn) => void;
}) {
  const i = useI18n();
  const { ca, ncalayerUrl } = useServices();
  const ncalayer = useNcaLayer();
  const [source, setSource] = useState<KeySource>('file');
  const [file, setFile] = useState<File>();
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Said>();
  const id = `${props.audience}-login`;
  const viaNcaLayer = source === 'ncalayer' && ncalayer.state === 'present';
  // NCALayer, when it runs, is where NCA keys usually are: offered first.
  useEffect(() => {
    if (ncalayer.state === 'present') setSource('ncalayer');
  }, [ncalayer.state]);

  const login = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setTouched(true);
    if (!viaNcaLayer && !file) return document.getElementById(`${id}-file`)?.focus();
    if (!password) return document.getElementById(`${id}-password`)?.focus();
    setBusy(true);
    setError(undefined);
    try {
      const key = viaNcaLayer
        ? await ncaLayerSigner(ncalayerUrl, password, 'auth')
        : fileSigner(await openKeyFileFor(await fileBytes(file as File), password, 'auth'));
      const challenge = await ca.authChallenge(props.audience);
      const signature = await key.sign(base64ToBytes(challenge.toBeSigned));
      const session = await ca.login(props.audience, {
        challengeId: challenge.challengeId,
        certificate: key.certificatePem,
        signature: bytesToBase64(signature),
      });
      rememberKeyFiles([{ serialHex: key.serialHex, fileName: key.fileName }]);
      const info = (await loadPki()).inspectCertificate(key.certificatePem);
      setPassword('');
      props.onSession({
        session,
        fileName: key.fileName,
        via: key.via,
        ownerName: [info.commonName, info.patronymic].filter(Boolean).join(' ') || session.holder.commonName,
      });
    } catch (err) {
      // The keyboard stays on the button; the alert says what went wrong.
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={login} noValidate class="login">
      <p>{props.intro}</p>
      <KeySourceChoice name={`${id}-source`} value={source} onChange={setSource} ncalayer={ncalayer} />
      {viaNcaLayer ? null : (
        <FileField
          id={`${id}-file`}
          label={i.t('cab.keyFile')}
          accept=".p12,.pfx,application/x-pkcs12"
          required
          error={touched && !file ? i.t('cab.chooseKeyFile') : undefined}
          onFile={setFile}
        />
      )}
      <TextField
        id={`${id}-password`}
        label={i.t('cab.password')}
        type="password"
        autoComplete="current-password"
        value={password}
        onValue={setPassword}
        required
        hint={viaNcaLayer ? i.t('ncalayer.loginHint') : undefined}
        error={touched && !password ? i.t('cab.enterPassword') : undefined}
      />
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t(viaNcaLayer ? 'ncalayer.waiting' : 'common.loading')}</Busy> : null}
      <button type="submit" class="btn btn-primary" aria-disabled={busy ? 'true' : undefined}>
        {i.t('cab.login')}
      </button>
    </form>
  );
}

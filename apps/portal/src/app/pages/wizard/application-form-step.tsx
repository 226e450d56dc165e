/**
 * The application form (seeds 000/001 items 23-25): the applicant's and organisation's data from
 * the registries, optional e-mail, the key storage ("Персональный компьютер": key files), and
 * "Подать заявку": the keys and their requests are made in this browser (an individual's AUTH and
 * SIGN RSA pairs, a legal entity's one GOST-2015-512 key), the keys are put in the browser's key
 * storage, and only the requests go to the CA.
 */
import { useState } from 'preact/hooks';
import type { Application, KeyStorage } from '../../api/types.js';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage } from '../../components/messages.js';
import { bytesToBase64 } from '../../crypto/base64.js';
import { type GeneratedRequests, generateRequests, keyKindFor } from '../../crypto/requests.js';
import { sealGostKey } from '../../crypto/sealed-key.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/messages-ru.js';
import { useServices } from '../../services.js';
import { saveKeys, type VaultEntry } from '../../storage/key-vault.js';
import type { ApplicantAuth } from './wizard-state.js';

/** Hardware key storages (product names, except the ID card, which is said in the user's language). */
const TOKENS: ReadonlyArray<[KeyStorage, string | MessageKey]> = [
  ['AKKaztokenStore', 'Kaztoken'],
  ['AKKZIDCardStore', 'storage.idCard'],
  ['AKEToken72KStore', 'eToken 72K'],
  ['AKEToken5110Store', 'eToken 5110'],
  ['AKJaCartaStore', 'JaCarta'],
  ['AKAKEYStore', 'A-KEY'],
];

/** ASCII address local@domain.tld (the subject's E attribute is an IA5String). */
const EMAIL = /^[\x21-\x3f\x41-\x7e]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

function ReadOnly(props: { id: string; label: string; value: string | undefined }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} value={props.value ?? ''} readOnly />
    </div>
  );
}

/** The application form. */
export function ApplicationFormStep(props: {
  app: Application;
  auth: ApplicantAuth;
  onSubmitted: (app: Application, entry: VaultEntry) => void;
}) {
  const i = useI18n();
  const { ca } = useServices();
  const { app } = props;
  const [email, setEmail] = useState('');
  const [storage, setStorage] = useState<KeyStorage | ''>('');
  const [touched, setTouched] = useState(false);
  const [phase, setPhase] = useState<'idle' | 'generating' | 'sending'>('idle');
  const [error, setError] = useState<Said>();
  // Kept across retries so a retried submission sends the same requests under the same key.
  const [made, setMade] = useState<{
    requests: GeneratedRequests;
    keys: Pick<VaultEntry, 'auth' | 'sign' | 'gost'>;
    email: string;
    idem: string;
  }>();
  const emailError = touched && email !== '' && !EMAIL.test(email) ? i.t('form.emailInvalid') : undefined;
  const storageError = touched && storage === '' ? i.t('form.storageChoose') : undefined;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (phase !== 'idle') return;
    setTouched(true);
    if (email !== '' && !EMAIL.test(email)) return document.getElementById('form-email')?.focus();
    if (storage !== 'PKCS12') return document.getElementById('form-storage')?.focus();
    if (!app.person) return;
    setError(undefined);
    try {
      let requests = made;
      if (!requests || requests.email !== email) {
        setPhase('generating');
        const generated = await generateRequests({
          person: app.person,
          ...(app.organization ? { organization: app.organization } : {}),
          ...(email ? { email } : {}),
          template: app.template,
        });
        const nonce = bytesToBase64(crypto.getRandomValues(new Uint8Array(12))).replace(/[+/=]/g, '');
        const keys =
          generated.kind === 'gost'
            ? { gost: await sealGostKey(generated.key) }
            : { auth: generated.auth.keys, sign: generated.sign.keys };
        requests = { requests: generated, keys, email, idem: `submit:${app.id}:${nonce}` };
        setMade(requests);
      }
      const entry: VaultEntry = {
        applicationId: app.id,
        template: app.template,
        token: props.auth.token,
        tokenExpiresAt: props.auth.expiresAt,
        ...requests.keys,
        createdAt: new Date().toISOString(),
      };
      // The keys are stored before the requests leave, so a closed tab cannot lose them.
      await saveKeys(entry);
      setPhase('sending');
      const generated = requests.requests;
      const submitted = await ca.submit(
        app.id,
        props.auth.token,
        generated.kind === 'gost'
          ? { ...(email ? { email } : {}), keyStorage: 'PKCS12', csr: generated.csrPem }
          : {
              ...(email ? { email } : {}),
              keyStorage: 'PKCS12',
              csrs: { auth: generated.auth.csrPem, sign: generated.sign.csrPem },
            },
        requests.idem,
      );
      const withNumber: VaultEntry = submitted.number ? { ...entry, number: submitted.number } : entry;
      await saveKeys(withNumber);
      props.onSubmitted(submitted, withNumber);
    } catch (err) {
      setError({ error: err });
    } finally {
      setPhase('idle');
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <ScreenHeading>{i.t('form.title')}</ScreenHeading>
      <p class="hint">{i.t('common.requiredNote')}</p>
      <div class="form-grid">
        {app.organization ? (
          <>
            <ReadOnly id="form-bin" label={`${i.t('form.bin')} *`} value={app.organization.bin} />
            <ReadOnly id="form-org" label={`${i.t('form.org')} *`} value={app.organization.name} />
          </>
        ) : null}
        <ReadOnly id="form-iin" label={`${i.t('form.iin')} *`} value={app.person?.iin ?? app.iin} />
        <ReadOnly id="form-surname" label={i.t('form.surname')} value={app.person?.surname} />
        <ReadOnly id="form-given" label={i.t('form.givenName')} value={app.person?.givenName} />
        <ReadOnly id="form-patronymic" label={i.t('form.patronymic')} value={app.person?.patronymic} />
      </div>
      <TextField
        id="form-email"
        label={i.t('form.email')}
        type="email"
        autoComplete="email"
        value={email}
        onValue={setEmail}
        hint={i.t('form.emailHint')}
        error={emailError}
        maxLength={254}
      />
      <h2>{i.t('form.storageTitle')}</h2>
      <div class={`field${storageError ? ' field-invalid' : ''}`}>
        <label for="form-storage">
          {i.t('form.storage')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <select
          id="form-storage"
          value={storage}
          required
          aria-required="true"
          aria-invalid={storageError ? 'true' : undefined}
          aria-describedby={`form-storage-hint${storageError ? ' form-storage-error' : ''}`}
          onChange={(e) => setStorage((e.currentTarget as HTMLSelectElement).value as KeyStorage | '')}
        >
          <option value="">{i.t('form.storageChoose')}</option>
          <option value="PKCS12">{i.t('storage.PKCS12')}</option>
          {TOKENS.map(([id, name]) => (
            <option key={id} value={id} disabled>
              {i.t('storage.token', { name: name.startsWith('storage.') ? i.t(name as MessageKey) : name })}
            </option>
          ))}
        </select>
        <div class="hint" id="form-storage-hint">
          {i.t('form.storageHint')}
        </div>
        {storageError ? (
          <div class="field-error" id="form-storage-error">
            {storageError}
          </div>
        ) : null}
      </div>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {phase === 'generating' ? (
        <Busy>{i.t(keyKindFor(app.kind) === 'gost' ? 'form.generatingGost' : 'form.generating')}</Busy>
      ) : null}
      {phase === 'sending' ? <Busy>{i.t('form.sending')}</Busy> : null}
      <button type="submit" class="btn btn-primary" aria-disabled={phase !== 'idle' ? 'true' : undefined}>
        {i.t('form.submit')}
      </button>
    </form>
  );
}

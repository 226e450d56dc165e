/**
 * The key-file password with live feedback from `@kzpki/password-policy`: every violation of the
 * NCA rule listed as the user types, the repeat checked, and, once the rule is met, how hard the
 * password is to guess (a password the rule refuses gets no strength rating at all).
 */
import { checkPassword, estimateStrength } from '@kzpki/password-policy';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';

/** `true` when both fields are filled, equal and the rule accepts the password. */
export function passwordAcceptable(password: string, repeat: string): boolean {
  return password === repeat && checkPassword(password).ok;
}

/** What {@link PasswordFields} shows and changes. */
export interface PasswordFieldsProps {
  idPrefix: string;
  password: string;
  repeat: string;
  onPassword: (v: string) => void;
  onRepeat: (v: string) => void;
  show: boolean;
  onShow: (v: boolean) => void;
  /** Show the repeat mismatch even before the user leaves the field (after a submit attempt). */
  touched: boolean;
}

/** The state of a {@link PasswordFields} pair, from {@link usePasswordInput}. */
export interface PasswordInput {
  /** The props of `<PasswordFields>`. */
  field: PasswordFieldsProps;
  password: string;
  /** On submit: marks the fields touched; `true` when the password may be used, else focuses it. */
  submit(): boolean;
  /** Empties both fields (after the password was used). */
  reset(): void;
}

/**
 * A new password and its repeat, for the panels that make key files.
 * @example
 * ```tsx
 * const pw = usePasswordInput('pending');
 * if (!pw.submit()) return; // in onSubmit
 * <PasswordFields {...pw.field} />
 * ```
 */
export function usePasswordInput(idPrefix: string): PasswordInput {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [show, setShow] = useState(false);
  const [touched, setTouched] = useState(false);
  return {
    field: {
      idPrefix,
      password,
      repeat,
      onPassword: setPassword,
      onRepeat: setRepeat,
      show,
      onShow: setShow,
      touched,
    },
    password,
    submit() {
      setTouched(true);
      const ok = passwordAcceptable(password, repeat);
      if (!ok) document.getElementById(`${idPrefix}-password`)?.focus();
      return ok;
    },
    reset() {
      setPassword('');
      setRepeat('');
      setTouched(false);
    },
  };
}

/** Password and its repeat. */
export function PasswordFields(props: PasswordFieldsProps) {
  const i = useI18n();
  const check = checkPassword(props.password, { lang: i.lang });
  const strength = props.password && check.ok ? estimateStrength(props.password) : undefined;
  const mismatch = (props.touched || props.repeat.length > 0) && props.repeat !== props.password;
  const pid = `${props.idPrefix}-password`;
  const rid = `${props.idPrefix}-repeat`;
  return (
    <div class="password-fields">
      <p class="rule" id={`${pid}-rule`}>
        {i.t('install.rule')}
      </p>
      <div class={`field${props.touched && !check.ok ? ' field-invalid' : ''}`}>
        <label for={pid}>
          {i.t('install.password')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <input
          id={pid}
          type={props.show ? 'text' : 'password'}
          autoComplete="new-password"
          value={props.password}
          maxLength={64}
          required
          aria-required="true"
          aria-invalid={props.password && !check.ok ? 'true' : undefined}
          aria-describedby={`${pid}-rule ${pid}-feedback`}
          onInput={(e) => props.onPassword((e.currentTarget as HTMLInputElement).value)}
        />
        <div id={`${pid}-feedback`} class="policy-feedback" aria-live="polite">
          {props.password === '' ? null : check.ok ? (
            <span class="field-ok">{i.t('install.policyOk')}</span>
          ) : (
            <ul class="violations">
              {check.violations.map((v) => (
                <li key={v.code + v.message}>{v.message}</li>
              ))}
            </ul>
          )}
          {strength ? (
            <span class={`strength strength-${strength.label}`}>
              {i.t('install.strength', { label: i.t(`strength.${strength.label}` as MessageKey) })}
            </span>
          ) : null}
        </div>
      </div>
      <div class={`field${mismatch ? ' field-invalid' : ''}`}>
        <label for={rid}>
          {i.t('install.repeat')}
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        </label>
        <input
          id={rid}
          type={props.show ? 'text' : 'password'}
          autoComplete="new-password"
          value={props.repeat}
          maxLength={64}
          required
          aria-required="true"
          aria-invalid={mismatch ? 'true' : undefined}
          aria-describedby={mismatch ? `${rid}-error` : undefined}
          onInput={(e) => props.onRepeat((e.currentTarget as HTMLInputElement).value)}
        />
        {mismatch ? (
          <div class="field-error" id={`${rid}-error`}>
            {i.t('install.mismatch')}
          </div>
        ) : null}
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={props.show}
          onChange={(e) => props.onShow((e.currentTarget as HTMLInputElement).checked)}
        />{' '}
        {i.t('install.show')}
      </label>
    </div>
  );
}

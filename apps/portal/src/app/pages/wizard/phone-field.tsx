/**
 * The phone-number field of the wizard's two phone screens (Digital ID's phone page and the Mobile
 * Citizens Database registration): typed as people write numbers, shown back in the API's form
 * once it is one, with the screen's own label, hint and error.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { TextField } from '../../components/field.js';
import { useI18n } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/messages-ru.js';
import { formatPhone, normalizePhone } from './phone.js';

/** Props of {@link PhoneField}. */
export interface PhoneFieldProps {
  id: string;
  label: ComponentChildren;
  hint: ComponentChildren;
  /** What the person typed. */
  value: string;
  onValue: (value: string) => void;
  /** `value` in the API's form (`normalizePhone`), when it is a Kazakhstan number. */
  normalized: string | undefined;
  error: string | undefined;
}

/** A labelled phone input (at most 24 characters) that confirms the number it understood. */
export function PhoneField(props: PhoneFieldProps) {
  const i = useI18n();
  const { normalized, value, onValue } = props;
  return (
    <TextField
      id={props.id}
      label={props.label}
      value={value}
      onValue={(v) => onValue(v.slice(0, 24))}
      type="tel"
      autoComplete="tel"
      inputMode="tel"
      required
      hint={props.hint}
      error={props.error}
      ok={
        normalized && value.trim() !== normalized
          ? i.t('bmg.phoneAs', { phone: formatPhone(normalized) })
          : undefined
      }
    />
  );
}

/** The state of a phone field: what was typed, the number understood, the error once submitted. */
export interface PhoneInput {
  /** Props for {@link PhoneField} (with the screen's label and hint added). */
  field: Omit<PhoneFieldProps, 'label' | 'hint'>;
  /**
   * On submit: the number in the API's form, or `undefined` (the error is shown and the field
   * focused).
   */
  submit(): string | undefined;
  /** Empty again, no error shown (another number). */
  reset(): void;
}

/**
 * A phone field's state for a form: empty at first, an error only after a submit, `invalidKey` for
 * what is not a Kazakhstan number.
 *
 * @example
 * ```tsx
 * const phone = usePhoneInput('did-phone', 'didPhone.format');
 * const number = phone.submit(); // in onSubmit
 * <PhoneField {...phone.field} label={...} hint={...} />
 * ```
 */
export function usePhoneInput(id: string, invalidKey: MessageKey): PhoneInput {
  const i = useI18n();
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const normalized = normalizePhone(value);
  const error =
    touched && !normalized ? i.t(value.trim() === '' ? 'bmg.phoneRequired' : invalidKey) : undefined;
  return {
    field: { id, value, onValue: setValue, normalized, error },
    submit() {
      setTouched(true);
      if (!normalized) document.getElementById(id)?.focus();
      return normalized;
    },
    reset() {
      setValue('');
      setTouched(false);
    },
  };
}

/**
 * The phone-number field of the wizard's two phone screens (Digital ID's phone page and the Mobile
 * Citizens Database registration): typed as people write numbers, shown back in the API's form
 * once it is one, with the screen's own label, hint and error.
 */
import type { ComponentChildren } from 'preact';
import { TextField } from '../../components/field.js';
import { useI18n } from '../../i18n/i18n.js';
import { formatPhone } from './phone.js';

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

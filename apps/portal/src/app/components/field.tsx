/**
 * Form fields with their label, hint and error wired for assistive technology
 * (`aria-describedby`, `aria-invalid`, `aria-required`).
 */
import type { ComponentChildren } from 'preact';

/** Props of {@link TextField}. */
export interface TextFieldProps {
  id: string;
  type?: 'text' | 'password' | 'email' | 'tel';
  inputMode?: 'text' | 'numeric' | 'tel' | 'email';
  autoComplete?: string;
  maxLength?: number;
  spellcheck?: boolean;
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string | undefined;
  /** Positive feedback (e.g. "IIN is valid"). */
  ok?: string | undefined;
  /** A neutral remark that is neither an error nor a confirmation (e.g. "accepted in test mode"). */
  note?: string | undefined;
  required?: boolean;
}

/** A labelled text input. */
export function TextField(props: TextFieldProps) {
  const { id, label, value, onValue, hint, error, ok, note, required, ...rest } = props;
  const feedback = error ? `${id}-error` : note ? `${id}-note` : ok ? `${id}-ok` : '';
  const described = [hint ? `${id}-hint` : '', feedback].filter(Boolean).join(' ');
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>
        {label}
        {required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      <input
        {...rest}
        id={id}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={error ? 'true' : undefined}
        aria-required={required ? 'true' : undefined}
        required={required}
        aria-describedby={described || undefined}
      />
      {hint ? (
        <div class="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div class="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : note ? (
        <div class="field-note" id={`${id}-note`}>
          {note}
        </div>
      ) : ok ? (
        <div class="field-ok" id={`${id}-ok`}>
          {ok}
        </div>
      ) : null}
    </div>
  );
}

/** A labelled file input. */
export function FileField(props: {
  id: string;
  label: ComponentChildren;
  accept: string;
  onFile: (file: File | undefined) => void;
  hint?: ComponentChildren;
  error?: string | undefined;
  required?: boolean;
  capture?: 'user' | 'environment';
}) {
  const described = [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={props.id}>
        {props.label}
        {props.required ? (
          <span class="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      <input
        type="file"
        id={props.id}
        accept={props.accept}
        {...(props.capture ? { capture: props.capture } : {})}
        onChange={(e) => props.onFile((e.currentTarget as HTMLInputElement).files?.[0])}
        aria-invalid={props.error ? 'true' : undefined}
        required={props.required}
        aria-describedby={described || undefined}
      />
      {props.hint ? (
        <div class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </div>
      ) : null}
      {props.error ? (
        <div class="field-error" id={`${props.id}-error`}>
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

/** Reads a file's bytes. */
export async function fileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

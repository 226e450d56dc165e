/**
 * Messages announced to assistive technology: errors as `role="alert"` (assertive), progress and
 * results in `<output>` (implicit `role="status"`, polite).
 */
import type { ComponentChildren } from 'preact';

/** An error message (announced immediately). Renders nothing without text. */
export function ErrorMessage(props: { children?: string | undefined; id?: string }) {
  if (props.children === undefined || props.children === null || props.children === '') return null;
  return (
    <div class="msg msg-error" role="alert" id={props.id}>
      {props.children}
    </div>
  );
}

/** A status message (announced politely). The live region stays mounted so changes are read. */
export function StatusMessage(props: { children?: string | undefined; kind?: 'info' | 'ok' | 'warn' }) {
  const empty = props.children === undefined || props.children === null || props.children === '';
  return (
    <output class={empty ? 'sr-live' : `msg msg-${props.kind ?? 'info'}`} aria-live="polite">
      {props.children}
    </output>
  );
}

/** A busy indicator with its text. */
export function Busy(props: { children: ComponentChildren }) {
  return (
    <output class="busy" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.children}
    </output>
  );
}

/**
 * Messages announced to assistive technology: errors as `role="alert"` (assertive), progress and
 * results as `role="status"` (polite).
 */
import type { ComponentChildren } from 'preact';

/** An error message (announced immediately). Renders nothing without children. */
export function ErrorMessage(props: { children?: ComponentChildren; id?: string }) {
  if (props.children === undefined || props.children === null || props.children === '') return null;
  return (
    <div class="msg msg-error" role="alert" id={props.id}>
      {props.children}
    </div>
  );
}

/** A status message (announced politely). The live region stays mounted so changes are read. */
export function StatusMessage(props: { children?: ComponentChildren; kind?: 'info' | 'ok' | 'warn' }) {
  const empty = props.children === undefined || props.children === null || props.children === '';
  return (
    <div class={empty ? 'sr-live' : `msg msg-${props.kind ?? 'info'}`} role="status" aria-live="polite">
      {props.children}
    </div>
  );
}

/** A busy indicator with its text. */
export function Busy(props: { children: ComponentChildren }) {
  return (
    <div class="busy" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {props.children}
    </div>
  );
}

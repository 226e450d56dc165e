/**
 * A modal confirmation on the browser's own `<dialog>` (`showModal()`): focus moves into the
 * dialog (to the safe choice first), Tab stays inside, Escape cancels, the page behind is inert,
 * and focus goes back to what opened it. Used before irreversible or disruptive actions
 * (revocation, leaving a half-finished application).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  /** Element ids are derived from it. */
  id: string;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  cancelLabel: string;
  /** Style of the confirm button: `danger` for destructive actions. */
  tone?: 'danger' | 'primary';
  onConfirm: () => void;
  onCancel: () => void;
}

/** The dialog; render it only while it should be open. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancel.current?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      // Back to the control that opened the dialog, when it is still on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      id={props.id}
      class="confirm"
      aria-labelledby={`${props.id}-title`}
      aria-describedby={`${props.id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <div id={`${props.id}-body`}>{props.children}</div>
      <div class="actions">
        <button
          type="button"
          class={`btn ${props.tone === 'primary' ? 'btn-primary' : 'btn-danger-solid'}`}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
        <button type="button" class="btn" ref={cancel} onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
      </div>
    </dialog>
  );
}

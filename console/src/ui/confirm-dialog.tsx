import { type ReactNode, useLayoutEffect, useRef } from 'react';

interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/**
 * A modal question before a replay or a delete. The native dialog keeps focus inside while open,
 * closes on Escape, and gives focus back to the button that opened it.
 *
 * The browser fires `close` a task after the dialog closed, so a quick Escape then Enter can open it
 * again before that event arrives. The dialog is therefore shown in the same task as the click (a
 * layout effect, not a passive one), and a `close` that finds it open again belongs to an earlier
 * opening and is ignored.
 */
export function ConfirmDialog({ open, title, children, confirmLabel, onConfirm, onCancel }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useLayoutEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby="confirm-title"
      onCancel={onCancel}
      onClose={(event) => open && !event.currentTarget.open && onCancel()}
    >
      <h2 id="confirm-title">{title}</h2>
      <div>{children}</div>
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

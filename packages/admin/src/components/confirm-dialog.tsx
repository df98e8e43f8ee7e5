import { useState, type ReactNode } from 'react';
import { ErrorMessage } from './error-message.js';
import { Modal } from './modal.js';

/** A confirmation with a `Confirm` and a `Cancel` button; shows the action's error in place. */
export function ConfirmDialog(props: { title: string; children?: ReactNode; confirmLabel?: string; onConfirm: () => Promise<void>; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          props.onConfirm().catch((err: unknown) => {
            setError(err);
            setBusy(false);
          });
        }}
      >
        {props.children}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={busy}>
            Confirm
          </button>
        </div>
      </form>
    </Modal>
  );
}

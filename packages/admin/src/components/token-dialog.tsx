import { useState } from 'react';
import { Modal } from './modal.js';

/**
 * The new token, shown exactly once: a read-only textbox `API key` with `Copy` and `Done`.
 * The caller drops the token from its state on `onDone`; nothing else keeps it.
 */
export function TokenDialog(props: { token: string; keyName: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <Modal title="New API key" onClose={props.onDone}>
      <p className="warning" role="note">
        Copy the key for <strong>{props.keyName}</strong> now: it will not be shown again.
      </p>
      <label className="field">
        <span>API key</span>
        <input aria-label="API key" readOnly value={props.token} onFocus={(e) => e.currentTarget.select()} className="mono" />
      </label>
      <p aria-live="polite" className="muted">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Copying failed: select the key and copy it yourself.' : ''}
      </p>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            navigator.clipboard.writeText(props.token).then(
              () => setCopied('yes'),
              () => setCopied('no'),
            );
          }}
        >
          Copy
        </button>
        <button type="button" className="primary" onClick={props.onDone}>
          Done
        </button>
      </div>
    </Modal>
  );
}

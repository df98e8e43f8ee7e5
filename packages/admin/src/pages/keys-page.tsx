import type { ApiKey, ApiKeyWithToken, Scope } from '@payment-gateway/contract';
import { useCallback, useEffect, useState } from 'react';
import type { KeyStore } from '../api/key-store.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CreateKeyDialog } from '../components/create-key-dialog.js';
import { ErrorMessage } from '../components/error-message.js';
import { KeysTable, type KeyActions } from '../components/keys-table.js';
import { TokenDialog } from '../components/token-dialog.js';
import type { Permissions } from '../permissions.js';

type Dialog =
  | { kind: 'create' }
  | { kind: 'token'; key: ApiKeyWithToken }
  | { kind: 'rotate'; key: ApiKey }
  | { kind: 'revoke'; key: ApiKey }
  | { kind: 'delete'; key: ApiKey }
  | null;

/** Settings > API Keys (or System > API keys): the table, and what the role may do with it. */
export function KeysPage(props: { title: string; store: KeyStore; permissions: Permissions; detailPath: (key: ApiKey) => string }) {
  const { store, permissions } = props;
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [grace, setGrace] = useState('86400');
  const [reason, setReason] = useState('');

  const load = useCallback(() => {
    store.list().then(
      (page) => {
        setKeys(page.items);
        setError(null);
      },
      (err: unknown) => setError(err),
    );
  }, [store]);
  useEffect(load, [load]);

  const actions: KeyActions = {
    ...(permissions.can('api_key:execute') ? { rotate: (key: ApiKey) => setDialog({ kind: 'rotate', key }), revoke: (key: ApiKey) => setDialog({ kind: 'revoke', key }) } : {}),
    ...(permissions.can('api_key:delete') ? { remove: (key: ApiKey) => setDialog({ kind: 'delete', key }) } : {}),
  };

  return (
    <section aria-labelledby="keys-heading">
      <div className="page-head">
        <h1 id="keys-heading">{props.title}</h1>
        {permissions.can('api_key:create') ? (
          <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
            Create key
          </button>
        ) : null}
      </div>
      {!permissions.can('api_key:create') ? <p className="muted">Your role can view keys but not manage them.</p> : null}
      <ErrorMessage error={error} />
      {keys ? <KeysTable keys={keys} actions={actions} detailPath={props.detailPath} /> : error ? null : <p aria-busy="true">Loading…</p>}

      {dialog?.kind === 'create' ? (
        <CreateKeyDialog
          tier={store.tier}
          grantable={(s: Scope) => permissions.can(s)}
          onClose={() => setDialog(null)}
          onCreate={async (body) => {
            const key = await store.create(body);
            setDialog({ kind: 'token', key });
            load();
          }}
        />
      ) : null}
      {dialog?.kind === 'token' ? <TokenDialog token={dialog.key.token} keyName={dialog.key.name} onDone={() => setDialog(null)} /> : null}
      {dialog?.kind === 'rotate' ? (
        <ConfirmDialog
          title={`Rotate ${dialog.key.name}`}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const seconds = grace.trim() === '' ? undefined : Number(grace);
            if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 0 || seconds > 604800)) {
              throw new Error('The grace period is a whole number of seconds from 0 to 604800 (7 days).');
            }
            const key = await store.rotate(dialog.key.id, seconds);
            setDialog({ kind: 'token', key });
            load();
          }}
        >
          <p>A new secret is issued. The current one keeps working for the grace period, then stops.</p>
          <label className="field">
            <span>Grace period (seconds)</span>
            <input inputMode="numeric" value={grace} onChange={(e) => setGrace(e.target.value)} />
          </label>
        </ConfirmDialog>
      ) : null}
      {dialog?.kind === 'revoke' ? (
        <ConfirmDialog
          title={`Revoke ${dialog.key.name}`}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await store.revoke(dialog.key.id, reason.trim() || undefined);
            setReason('');
            setDialog(null);
            load();
          }}
        >
          <p>Revoking is immediate and cannot be undone: every request with this key is refused.</p>
          <label className="field">
            <span>Reason</span>
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          </label>
        </ConfirmDialog>
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${dialog.key.name}`}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await store.remove(dialog.key.id);
            setDialog(null);
            load();
          }}
        >
          <p>The key and its metadata are deleted permanently.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

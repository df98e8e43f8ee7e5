import type { CreateApiKeyBody, Scope } from '@payment-gateway/contract';
import { useMemo, useState } from 'react';
import { BUNDLE_PRESETS, scopeGrid, type KeyTier } from '../scope-model.js';
import { ErrorMessage } from './error-message.js';
import { Modal } from './modal.js';
import { ScopeGrid } from './scope-grid.js';

/** Parses the optional `Expires at` field: empty → undefined; otherwise a date the browser understands, as ISO 8601. */
export function parseExpiry(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const date = new Date(trimmed);
  if (Number.isNaN(date.getTime())) throw new Error(`"${trimmed}" is not a date: use e.g. 2027-01-31 or 2027-01-31T12:00:00Z`);
  return date.toISOString();
}

/** Parses the optional `IP allowlist` field: addresses or CIDR blocks separated by commas, spaces or lines. */
export function parseAllowlist(text: string): string[] | undefined {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  return entries.length ? entries : undefined;
}

/**
 * The `Create API key` dialog: name, description, the scope grid generated from the contract's
 * catalogue (organization keys: no system-tier scopes), the contract's bundles as presets, optional
 * expiry and IP allowlist. Only scopes the caller holds are offered (no escalation, SPEC §2).
 */
export function CreateKeyDialog(props: {
  tier: KeyTier;
  grantable: (scope: Scope) => boolean;
  onCreate: (body: CreateApiKeyBody) => Promise<void>;
  onClose: () => void;
}) {
  const rows = useMemo(() => scopeGrid(props.tier), [props.tier]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [allowlist, setAllowlist] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<Scope>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const presets = props.tier === 'organization' ? BUNDLE_PRESETS.filter((b) => b.scopes.every(props.grantable)) : [];

  const toggle = (scope: Scope) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(scope)) next.delete(scope);
      else next.add(scope);
      return next;
    });

  const submit = async () => {
    setError(null);
    let body: CreateApiKeyBody;
    try {
      if (selected.size === 0) throw new Error('Choose at least one scope.');
      const expiry = parseExpiry(expiresAt);
      const ips = parseAllowlist(allowlist);
      body = {
        name: name.trim(),
        scopes: [...selected],
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(expiry ? { expiresAt: expiry } : {}),
        ...(ips ? { ipAllowlist: ips } : {}),
      };
    } catch (err) {
      setError(err);
      return;
    }
    setBusy(true);
    try {
      await props.onCreate(body);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title="Create API key" onClose={props.onClose} wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <label className="field">
          <span>Description</span>
          <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
        </label>
        {presets.length > 0 ? (
          <fieldset className="presets">
            <legend>Least-privilege presets</legend>
            {presets.map((p) => (
              <button type="button" key={String(p.id)} aria-describedby={`preset-${String(p.id)}`} onClick={() => setSelected(new Set(p.scopes))}>
                {p.title}
              </button>
            ))}
            {presets.map((p) => (
              <span key={String(p.id)} id={`preset-${String(p.id)}`} hidden>
                {p.scopes.join(', ')}
              </span>
            ))}
          </fieldset>
        ) : null}
        <fieldset>
          <legend>Scopes ({selected.size} selected)</legend>
          <div className="scroll">
            <ScopeGrid rows={rows} selected={selected} grantable={props.grantable} onToggle={toggle} />
          </div>
        </fieldset>
        <label className="field">
          <span>Expires at</span>
          <input value={expiresAt} onChange={(e) => setExpiresAt(e.target.value)} placeholder="optional, e.g. 2027-01-31T00:00:00Z" />
        </label>
        <label className="field">
          <span>IP allowlist</span>
          <textarea value={allowlist} onChange={(e) => setAllowlist(e.target.value)} rows={2} placeholder="optional: addresses or CIDR blocks, e.g. 203.0.113.0/24" />
        </label>
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

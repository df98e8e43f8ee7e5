import type { ApiKey, ApiKeyUsage, AuditEvent } from '@payment-gateway/contract';
import { useEffect, useState } from 'react';
import { expectStatus } from '../api/api-error.js';
import type { Api } from '../api/client.js';
import type { KeyStore } from '../api/key-store.js';
import { ErrorMessage } from '../components/error-message.js';
import { UsageChart } from '../components/usage-chart.js';
import { formatTime, isStale } from '../format.js';
import { Link } from '../router.js';

/** A key's metadata (never its secret), its use over the last 7 days, and the audit events that name it as their target. */
export function KeyDetailPage(props: { api: Api; store: KeyStore; keyId: string; organizationId: string | null }) {
  const { api, store, keyId, organizationId } = props;
  const [key, setKey] = useState<ApiKey | null>(null);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [usage, setUsage] = useState<ApiKeyUsage | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    store.get(keyId).then(setKey, setError);
    store.usage(keyId).then(setUsage, setError);
    const query = { page: 1, limit: 100 } as const;
    const load = organizationId
      ? api.client.organization.auditEvents({ params: { orgId: organizationId }, query }).then((r) => expectStatus(r, 200))
      : api.client.system.auditEvents({ query }).then((r) => expectStatus(r, 200));
    load.then((page) => setEvents(page.items.filter((e) => e.target?.id === keyId)), setError);
  }, [api, store, keyId, organizationId]);

  const back = store.tier === 'system' ? '/system/keys' : '/keys';
  return (
    <section aria-labelledby="key-heading">
      <p>
        <Link to={back}>← {store.tier === 'system' ? 'System API keys' : 'API keys'}</Link>
      </p>
      <h1 id="key-heading">{key ? key.name : 'API key'}</h1>
      <ErrorMessage error={error} />
      {key ? (
        <dl className="details">
          <dt>Key id</dt>
          <dd className="mono">{key.id}</dd>
          <dt>Prefix</dt>
          <dd className="mono">{key.prefix}…</dd>
          <dt>Description</dt>
          <dd>{key.description ?? '—'}</dd>
          <dt>Status</dt>
          <dd>
            {key.status}
            {key.revokedReason ? ` (${key.revokedReason})` : ''}
            {isStale(key) ? ' · stale: not used for 90 days' : ''}
          </dd>
          <dt>Scopes</dt>
          <dd className="mono">{key.scopes.join(', ')}</dd>
          <dt>IP allowlist</dt>
          <dd className="mono">{allowlistText(key.ipAllowlist)}</dd>
          <dt>Created</dt>
          <dd>
            {formatTime(key.createdAt)} by {key.createdBy.type} {key.createdBy.id}
          </dd>
          <dt>Last used</dt>
          <dd>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</dd>
          <dt>Expires</dt>
          <dd>{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</dd>
          <dt>Last rotated</dt>
          <dd>
            {formatTime(key.lastRotatedAt)}
            {key.previousSecretExpiresAt ? ` (previous secret works until ${formatTime(key.previousSecretExpiresAt)})` : ''}
          </dd>
        </dl>
      ) : null}
      <h2>Usage</h2>
      {usage ? <UsageChart usage={usage} /> : <p aria-busy="true">Loading…</p>}
      <h2>Audit events</h2>
      {events === null ? (
        <p aria-busy="true">Loading…</p>
      ) : events.length === 0 ? (
        <p className="muted">No audit events for this key.</p>
      ) : (
        <table aria-label="Audit events">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">IP</th>
              <th scope="col">Request id</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.createdAt)}</td>
                <td className="mono">{e.action}</td>
                <td>
                  {e.actor.type} {e.actor.id}
                </td>
                <td className="mono">{e.ip ?? '—'}</td>
                <td className="mono">{e.requestId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A key stored with `[]` (accepted before the server refused it) is refused from every address: say so. */
export function allowlistText(allowlist: readonly string[] | null): string {
  if (allowlist === null) return 'any address';
  return allowlist.length ? allowlist.join(', ') : 'none: every address is refused (set a list or remove it)';
}

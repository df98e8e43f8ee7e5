import type { ApiKey } from '@payment-gateway/contract';
import { formatTime, isStale } from '../format.js';
import { Link } from '../router.js';

export interface KeyActions {
  rotate?: (key: ApiKey) => void;
  revoke?: (key: ApiKey) => void;
  remove?: (key: ApiKey) => void;
}

/** The `API keys` table; a row offers only the actions passed in (what the role may do). */
export function KeysTable(props: { keys: ApiKey[]; actions: KeyActions; detailPath: (key: ApiKey) => string }) {
  const { rotate, revoke, remove } = props.actions;
  const anyAction = Boolean(rotate || revoke || remove);
  if (props.keys.length === 0) return <p className="muted">No API keys yet.</p>;
  return (
    <div className="scroll">
      <table aria-label="API keys" className="keys">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key id</th>
            <th scope="col">Prefix</th>
            <th scope="col">Scopes</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            {anyAction ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <tr key={key.id}>
              <td>
                <Link to={props.detailPath(key)}>{key.name}</Link>
              </td>
              <td className="mono">{key.id}</td>
              <td className="mono">{key.prefix}…</td>
              <td>
                <ul className="scopes">
                  {key.scopes.map((s) => (
                    <li key={s} className="mono">
                      {s}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                <span className={`badge badge-${key.status}`}>{key.status}</span>
                {isStale(key) ? <span className="badge badge-stale" title="Not used for 90 days">stale</span> : null}
              </td>
              <td>{formatTime(key.createdAt)}</td>
              <td>{key.lastUsedAt ? formatTime(key.lastUsedAt) : 'never'}</td>
              <td>{key.expiresAt ? formatTime(key.expiresAt) : 'never'}</td>
              {anyAction ? (
                <td className="row-actions">
                  {rotate && key.status === 'active' ? (
                    <button type="button" onClick={() => rotate(key)} aria-description={`Rotate ${key.name}`}>
                      Rotate
                    </button>
                  ) : null}
                  {revoke && key.status === 'active' ? (
                    <button type="button" onClick={() => revoke(key)} aria-description={`Revoke ${key.name}`}>
                      Revoke
                    </button>
                  ) : null}
                  {remove ? (
                    <button type="button" className="danger" onClick={() => remove(key)} aria-description={`Delete ${key.name}`}>
                      Delete
                    </button>
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { ApiError } from '../api/api-error.js';

/** A server error as a readable message with its request id (what support asks for). */
export function ErrorMessage({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const api = error instanceof ApiError ? error : null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="error">
      <p>{message}</p>
      {api && api.code !== 'UNEXPECTED' && api.code !== 'NETWORK' ? <p className="muted">Code: {api.code}</p> : null}
      {api?.requestId ? <p className="muted">Request ID: <code>{api.requestId}</code></p> : null}
    </div>
  );
}

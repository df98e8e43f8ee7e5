import { KEY_ROTATION_DUE_HEADER } from '@payment-gateway/contract';
import type { WarningHandler } from '../warnings.js';

/**
 * Watches responses for `Payment-Gateway-Key-Rotation-Due` and warns once per client, key id
 * and due date: a key that is rotated and later falls due again warns again, a busy client
 * does not warn on every call. Only the key id is kept, never the secret.
 */
export function createRotationWarner(onWarning: WarningHandler): (headers: Headers, authorization: string) => void {
  const warned = new Set<string>();
  return (headers, authorization) => {
    const dueAt = headers.get(KEY_ROTATION_DUE_HEADER);
    if (!dueAt) return;
    const keyId = /^Bearer sk_([0-9A-Za-z]+)\./.exec(authorization)?.[1];
    if (!keyId) return;
    const marker = `${keyId}@${dueAt}`;
    if (warned.has(marker)) return;
    warned.add(marker);
    try {
      onWarning({
        code: 'API_KEY_ROTATION_DUE',
        keyId,
        rotationDueAt: dueAt,
        message: `API key ${keyId} has been due for rotation since ${dueAt} (system key policy); rotate it (POST …/api-keys/${keyId}/rotate) and deploy the new secret.`,
      });
    } catch {
      // A throwing handler must not fail the call that carried the header.
    }
  };
}

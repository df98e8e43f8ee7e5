// Shared msw setup for the SDK's unit tests (not part of the published build).
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { apiKeyChecksum } from '../api-key.js';

export const BASE_URL = 'http://gateway.test';
export const ORG_ID = 'org_0123456789abcdefABCD';

/** A well-formed key with a valid checksum; `seed` varies the secret. */
export function makeKey(seed = 'a', keyId = 'K'.repeat(22)): string {
  const body = `sk_${keyId}.${seed.repeat(43).slice(0, 43)}`;
  return `${body}${apiKeyChecksum(body)}`;
}

export const KEY = makeKey('s');

/** Every request the server saw, in order. */
export const seen: Request[] = [];

export const server = setupServer();

export function useMsw(): void {
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' });
    server.events.on('request:start', ({ request }) => seen.push(request.clone()));
  });
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());
}

export function errorBody(code: string, status: number, details?: Record<string, unknown>) {
  return HttpResponse.json({ error: `failed with ${code}`, code, requestId: 'req_body', ...(details ? { details } : {}) }, { status });
}

export const whoamiHandler = (organizationId: string | null = ORG_ID) =>
  http.get(`${BASE_URL}/api/v1/auth/whoami`, () =>
    HttpResponse.json({
      type: 'api_key',
      keyId: 'K'.repeat(22),
      name: 'test',
      tier: organizationId ? 'organization' : 'system',
      organizationId,
      scopes: ['api_key:read'],
      expiresAt: null,
      rotationDueAt: null,
    }),
  );

export { http, HttpResponse };

import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors/app-error.js';

const ISSUER = 'payment-gateway';
const AUDIENCE = 'dashboard';

export interface AccessTokensOptions {
  /** HS256 key material (JWT_SECRET, or the secret generated into the data directory). */
  secret: string;
  /** Access-token lifetime. @default 900 */
  ttlSeconds?: number;
  now?: () => Date;
}

/** The claims the gateway reads back from a verified access token. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
}

/** Short-lived HS256 JWTs naming a user and a session; the session row decides if it still counts. */
export class AccessTokens {
  readonly #key: Uint8Array;
  readonly #ttl: number;
  readonly #now: () => Date;

  constructor(o: AccessTokensOptions) {
    this.#key = new TextEncoder().encode(o.secret);
    this.#ttl = o.ttlSeconds ?? 900;
    this.#now = o.now ?? (() => new Date());
  }

  /**
   * Signs a short-lived HS256 access token (RFC 7519) naming the user (`sub`) and session (`sid`).
   * @returns the compact JWT and its expiry (`ttlSeconds` after now, whole seconds).
   */
  async sign(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(this.#now().getTime() / 1000);
    const exp = iat + this.#ttl;
    const token = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * Verifies an access token's signature, issuer, audience and expiry (RFC 7519 §7.2).
   * @throws AppError INVALID_CREDENTIALS (401) unless the signature is ours and the claims are well formed;
   *   SESSION_EXPIRED (401) only for a proven, expired token.
   */
  async verify(token: string): Promise<AccessClaims & { expiresAt: Date }> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: this.#now(),
      });
      if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number') {
        throw new AppError('INVALID_CREDENTIALS');
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
    } catch (err) {
      // jose checks the signature before the claims, so JWTExpired means the token was ours.
      if (err instanceof errors.JWTExpired) throw new AppError('SESSION_EXPIRED');
      throw new AppError('INVALID_CREDENTIALS');
    }
  }
}

/** Cheap shape check: three base64url segments, a JSON header. */
export function looksLikeJwt(token: string): boolean {
  return token.startsWith('eyJ') && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

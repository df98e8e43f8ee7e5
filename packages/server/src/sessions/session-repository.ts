import type { Kysely, Transaction } from 'kysely';
import type { Database, SessionsTable } from '../storage/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertSession(db: Db, session: SessionsTable, refreshHash: string): Promise<void> {
  await db.insertInto('sessions').values(session).execute();
  await db
    .insertInto('refresh_tokens')
    .values({
      token_hash: refreshHash,
      session_id: session.id,
      created_at: session.created_at,
      expires_at: session.expires_at,
      used_at: null,
    })
    .execute();
}

export async function findSession(db: Db, id: string): Promise<SessionsTable | null> {
  return (await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function findRefreshToken(db: Db, hash: string) {
  return (await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()) ?? null;
}

/** Marks a refresh token used; false when it already was (a concurrent or repeated exchange). */
export async function markRefreshTokenUsed(db: Db, hash: string, at: string): Promise<boolean> {
  const res = await db
    .updateTable('refresh_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function addRefreshToken(db: Db, sessionId: string, hash: string, at: string, expiresAt: string): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({ token_hash: hash, session_id: sessionId, created_at: at, expires_at: expiresAt, used_at: null })
    .execute();
  await db.updateTable('sessions').set({ expires_at: expiresAt, last_refreshed_at: at }).where('id', '=', sessionId).execute();
}

/** Revokes a session (the whole refresh family); false when it was not active. */
export async function revokeSession(db: Db, id: string, at: string, reason: string): Promise<boolean> {
  const res = await db
    .updateTable('sessions')
    .set({ status: 'revoked', revoked_at: at, revoked_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

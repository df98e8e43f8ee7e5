import { describe, expect, it } from 'vitest';
import { LastUsedRecorder, type KeyActivityBatch } from './last-used.js';

const at = new Date('2026-11-29T10:20:00.000Z');

describe('LastUsedRecorder: lastUsedAt and per-hour usage counts in one batch', () => {
  it('counts per key and hour in memory and writes them in one batch', async () => {
    const batches: KeyActivityBatch[] = [];
    const rec = new LastUsedRecorder(async (b) => void batches.push(b), 60_000);
    rec.touch('k1', at);
    rec.count('k1', at, true);
    rec.count('k1', new Date('2026-11-29T10:59:59.999Z'), true);
    rec.count('k1', at, false);
    rec.count('k1', new Date('2026-11-29T11:00:00.000Z'), false);
    rec.count('k2', at, false);
    await rec.flush();
    expect(batches).toHaveLength(1);
    expect([...batches[0]!.usage.values()]).toEqual([
      { keyId: 'k1', hour: '2026-11-29T10:00:00.000Z', accepted: 2, refused: 1 },
      { keyId: 'k1', hour: '2026-11-29T11:00:00.000Z', accepted: 0, refused: 1 },
      { keyId: 'k2', hour: '2026-11-29T10:00:00.000Z', accepted: 0, refused: 1 },
    ]);
    expect(batches[0]!.lastUsed.get('k1')).toBe(at.toISOString());
    await rec.flush();
    expect(batches).toHaveLength(1); // nothing pending: no write
  });

  it('flushes refusals alone, and keeps a failed batch for the next flush, adding later counts to it', async () => {
    const written: KeyActivityBatch[] = [];
    let fail = true;
    const errors: unknown[] = [];
    const rec = new LastUsedRecorder(
      async (b) => {
        if (fail) throw new Error('database down');
        written.push(b);
      },
      60_000,
      (err) => errors.push(err),
    );
    rec.count('k1', at, false);
    await rec.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    rec.count('k1', at, false);
    rec.count('k1', at, true);
    await rec.flush();
    expect([...written[0]!.usage.values()]).toEqual([{ keyId: 'k1', hour: '2026-11-29T10:00:00.000Z', accepted: 1, refused: 2 }]);
  });
});

import { AsyncLocalStorage } from 'node:async_hooks';
import type { Driver } from 'kysely';

interface Watch {
  commitSent: boolean;
}

const watches = new AsyncLocalStorage<Watch>();

/**
 * Runs `fn` and everything asynchronous it starts under a watch that records whether any
 * transaction COMMIT was sent to the database meanwhile (`commitSent()`).
 *
 * Why: when a request fails with 503 because the database went away, the caller must know
 * whether its work may have been committed. A failure before COMMIT was sent is rolled back
 * for certain (PostgreSQL aborts an uncommitted transaction whose connection is gone, and the
 * client never sends COMMIT on a broken connection); a failure during or after COMMIT may have
 * committed. The idempotency middleware frees an Idempotency-Key only in the first case.
 * Statements outside an explicit transaction (autocommit) are not recorded: the work this is
 * used for (the money POSTs) writes only inside transactions.
 */
export function watchCommits<T>(fn: () => T): { result: T; commitSent: () => boolean } {
  const watch: Watch = { commitSent: false };
  const result = watches.run(watch, fn);
  return { result, commitSent: () => watch.commitSent };
}

/** The database driver with COMMIT recorded in the current watch (if any) before it is sent. */
export function withCommitWatch(driver: Driver): Driver {
  const commit = driver.commitTransaction.bind(driver);
  driver.commitTransaction = (connection) => {
    const watch = watches.getStore();
    if (watch) watch.commitSent = true;
    return commit(connection);
  };
  return driver;
}

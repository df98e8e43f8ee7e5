import type { Migration } from 'kysely';
import type { DialectName } from '../dialect.js';
import { coreMigration } from './001-core.js';
import { sessionsMigration } from './002-sessions.js';
import { billingPortalMigration } from './003-billing-portal.js';
import { keyUsageMigration } from './004-key-usage.js';
import { commerceMigration } from './005-commerce.js';
import { recurringDataMigration } from './006-recurring-data.js';
import { keyRotationMigration } from './007-key-rotation.js';

/**
 * Every migration, in order. Names sort lexicographically; never rename or edit a released
 * migration, add a new one.
 */
export function migrationsFor(dialect: DialectName): Record<string, Migration> {
  return {
    '001-core': coreMigration(dialect),
    '002-sessions': sessionsMigration(),
    '003-billing-portal': billingPortalMigration(),
    '004-key-usage': keyUsageMigration(),
    '005-commerce': commerceMigration(),
    '006-recurring-data': recurringDataMigration(),
    '007-key-rotation': keyRotationMigration(),
  };
}

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** The server package version, reported by deep health. */
export const VERSION: string = (require('../package.json') as { version: string }).version;

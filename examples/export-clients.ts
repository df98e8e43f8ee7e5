// Data export (SPEC §5, scope `data_io:execute`): stream the organization's clients as CSV into a
// file (EXPORT_FILE) or through your own code, never holding the whole export in memory. The key
// can export and import data and nothing else (it cannot even call GET /clients).
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { PaymentGateway, type Scope } from '@payment-gateway/sdk';
import { connect, describeKey, runIfMain, type ExampleEnv, type Log } from './shared.js';

/** The one scope an export job needs. */
export const EXPORT_SCOPES = ['data_io:execute'] as const satisfies readonly Scope[];

export interface ExportClientsResult {
  keyId: string;
  /** Returned so tests can prove the clean-up; the example never prints it. */
  token: string;
  scopes: string[];
  /** The file the server suggested (Content-Disposition). */
  filename: string | null;
  /** Where the CSV went (EXPORT_FILE), or null when it was read chunk by chunk. */
  file: string | null;
  /** The CSV's header row, when read chunk by chunk. */
  header: string | null;
  bytes: number;
}

export async function main(env: ExampleEnv, log: Log = console.log): Promise<ExportClientsResult> {
  const { admin, baseUrl } = connect(env);
  const key = await admin.apiKeys.create({ name: 'nightly export', scopes: [...EXPORT_SCOPES] });
  log(`created ${describeKey(key)}`);
  try {
    const gw = new PaymentGateway({ apiKey: key.token, baseUrl });
    const download = await gw.dataExport.export({ entityType: 'clients', format: 'csv' });
    const file = env.EXPORT_FILE ?? null;
    let bytes = 0;
    let header: string | null = null;
    if (file) {
      // Straight to disk: the server reads its database only as fast as the file is written.
      const body = Readable.fromWeb(download.body as NodeReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => (bytes += chunk.length));
      await pipeline(body, createWriteStream(file));
    } else {
      let head = '';
      for await (const chunk of download) {
        bytes += Buffer.byteLength(chunk);
        if (header === null) {
          head += chunk;
          if (head.includes('\r\n')) header = head.slice(0, head.indexOf('\r\n'));
        }
      }
    }
    log(
      `exported clients as ${download.filename ?? 'clients.csv'}: ${bytes} bytes${file ? `, written to ${file}` : `, columns ${header}`}`,
    );
    return { keyId: key.id, token: key.token, scopes: key.scopes, filename: download.filename, file, header, bytes };
  } finally {
    await admin.apiKeys.revoke(key.id, { reason: 'example finished' });
    log(`revoked ${key.id}`);
  }
}

runIfMain(import.meta, main);

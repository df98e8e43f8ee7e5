import { pathParam, unwrap, type ResourceContext } from '../internal/api-client.js';
import type { RequestOptions } from '../options.js';
import type { DataEntityType, ExportParams, ImportParams, ImportResult } from '../types.js';

/**
 * The body of an export (SPEC §5) as it streams from the server: read it once, as a web
 * `ReadableStream` (`body`), as text chunks (`for await (const chunk of download)`), or whole
 * (`text()`, `json()`). Nothing is buffered until you read; `cancel()` stops the server's export.
 */
export class ExportDownload implements AsyncIterable<string> {
  /** `text/csv; charset=utf-8` or `application/json; charset=utf-8`. */
  readonly contentType: string;
  /** The file name the server suggests (Content-Disposition), e.g. `clients-20301115T100000Z.csv`. */
  readonly filename: string | null;
  /** The request id of the export (X-Request-ID). */
  readonly requestId: string | null;
  readonly #response: Response;

  constructor(response: Response) {
    this.#response = response;
    this.contentType = response.headers.get('content-type') ?? '';
    this.filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? null;
    this.requestId = response.headers.get('x-request-id');
  }

  /** The raw byte stream (UTF-8). An export aborted by the server mid-way errors this stream. */
  get body(): ReadableStream<Uint8Array> {
    if (!this.#response.body) throw new TypeError('This export has no body.');
    return this.#response.body;
  }

  /** Text chunks as they arrive (UTF-8 decoded, never splitting a character). */
  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    const reader = this.body.getReader();
    const decoder = new TextDecoder('utf-8');
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (text) yield text;
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    } finally {
      // Leaving the loop early (break, throw) cancels the download and stops the server's export.
      await reader.cancel().catch(() => {});
      reader.releaseLock();
    }
  }

  /** The whole export as one string. */
  async text(): Promise<string> {
    let out = '';
    for await (const chunk of this) out += chunk;
    return out;
  }

  /** A JSON export (`format: 'json'`), parsed: the array of records. */
  async json<T = unknown>(): Promise<T[]> {
    return JSON.parse(await this.text()) as T[];
  }

  /** Stops reading; the server stops its export. */
  async cancel(): Promise<void> {
    await this.#response.body?.cancel().catch(() => {});
  }
}

/** Data import and export of the calling organization (`data_io:read`, `data_io:execute`). */
export class DataExport {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Starts an export (`data_io:execute`) and resolves once the server has answered, with the
   * body still streaming. Errors before the first byte (scope, validation) throw as usual.
   * @example
   * const download = await gw.dataExport.export({ entityType: 'clients', format: 'csv' });
   * for await (const chunk of download) file.write(chunk); // file: e.g. a fs.WriteStream
   */
  async export(body: ExportParams, options: RequestOptions = {}): Promise<ExportDownload> {
    const response = await this.#ctx.api.dataIo.export({ body, requestOptions: { ...options, rawResponse: true } });
    return new ExportDownload(response.body as unknown as Response);
  }

  /** An export read whole into a string (CSV text, or the JSON array's text). */
  async exportText(body: ExportParams, options: RequestOptions = {}): Promise<string> {
    return (await this.export(body, options)).text();
  }

  /** The CSV header row of an entity (`data_io:read`); for clients, the import template. */
  async template(entityType: DataEntityType, options: RequestOptions = {}): Promise<string> {
    const res = await this.#ctx.api.dataIo.template({
      params: { entityType: pathParam(entityType, 'entityType') as DataEntityType },
      requestOptions: options,
    });
    return res.body as string;
  }

  /** Checks a clients CSV row by row; writes nothing (`data_io:execute`). */
  validateImport(body: ImportParams, options: RequestOptions = {}): Promise<ImportResult> {
    return unwrap(this.#ctx.api.dataIo.validateImport({ body, requestOptions: options }));
  }

  /**
   * Imports a clients CSV, all or nothing (`data_io:execute`). Throws `UnprocessableEntityError`
   * with code `IMPORT_ROWS_INVALID` (every invalid row in `details.rows`) when a row is invalid.
   */
  import(body: ImportParams, options: RequestOptions = {}): Promise<ImportResult> {
    return unwrap(this.#ctx.api.dataIo.import({ body, requestOptions: options }));
  }
}

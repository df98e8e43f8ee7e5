import { z } from 'zod';
import { ScopeSchema } from './common.js';
import type { ErrorCode } from './errors.js';

/** One failed input of a 400 (SPEC §7.1): where (`body.scopes.0`, `query.limit`, …) and what. */
export const ValidationIssue = z.object({
  path: z.string().describe('Dotted location of the input: params., query., headers. or body. then the field path'),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

const issues = z.object({ issues: z.array(ValidationIssue).min(1) });

/**
 * The shape of `details` for each error code that carries details, defined once: the server's
 * `AppError` is typed by it, the OpenAPI document prints it per code, the SDK narrows on it.
 * Codes not listed here answer without `details`.
 */
export const ERROR_DETAILS = {
  VALIDATION_FAILED: issues,
  UNKNOWN_SCOPE: z.object({
    invalid: z.array(z.string()).describe('The requested scopes that are not in the catalogue'),
    validScopes: z.array(ScopeSchema).readonly().describe('Every scope of the catalogue'),
  }),
  SYSTEM_SCOPE_NOT_ALLOWED: z.object({ scopes: z.array(ScopeSchema).describe('The system-tier scopes that were asked for') }),
  SCOPE_ESCALATION: z.object({ scopes: z.array(ScopeSchema).describe('The scopes the credential does not hold itself') }),
  INSUFFICIENT_SCOPE: z.object({ requiredScope: ScopeSchema.describe('The scope this route requires') }),
  INVALID_GRACE_PERIOD: z.object({
    maxGracePeriodSeconds: z.number().int().min(0).describe('The longest grace the system key policy allows, in seconds'),
  }),
  INVALID_STATE: z.object({ status: z.string().describe("The resource's current status") }),
  CONFLICT: z.object({ externalId: z.string().nullable().describe('The externalId that is already taken (client create)') }).partial(),
  API_KEY_ROTATION_REQUIRED: z.object({
    rotationDueAt: z.string().describe('When the key fell due for rotation (ISO 8601)'),
    refusedFrom: z.string().describe('When its rotationGraceDays ended and the key began to be refused (ISO 8601)'),
  }),
  IMPORT_TOO_LARGE: z.object({
    maxBytes: z.number().int().min(1).describe('The largest CSV one import accepts, in UTF-8 bytes (IMPORT_MAX_BYTES)'),
  }),
  IMPORT_TOO_MANY_ROWS: z.object({ maxRows: z.number().int().min(1).describe('The most data rows one import accepts (IMPORT_MAX_ROWS)') }),
  IMPORT_ROWS_INVALID: z.object({
    totalRows: z.number().int().min(0),
    invalidRows: z.number().int().min(1),
    rows: z
      .array(
        z.object({
          row: z.number().int().min(1).describe('1-based record number after the header'),
          line: z.number().int().min(1).describe('Line of the file where the record starts'),
          errors: z.array(z.object({ field: z.string(), message: z.string() })),
        }),
      )
      .describe('Every invalid row with what is wrong with it'),
  }),
  RATE_LIMITED: z.object({ retryAfterSeconds: z.number().int().min(0).describe('Seconds to wait; also in the Retry-After header') }),
} as const satisfies Partial<Record<ErrorCode, z.ZodTypeAny>>;

export type CodeWithDetails = keyof typeof ERROR_DETAILS;

/** `details` of an error body with code `C`: the typed shape, or `undefined` for codes without details. */
export type ErrorDetails<C extends ErrorCode> = C extends CodeWithDetails ? z.infer<(typeof ERROR_DETAILS)[C]> : undefined;

/** The detail schema of a code, if it has one. */
export function errorDetailsSchema(code: ErrorCode): z.ZodTypeAny | undefined {
  return (ERROR_DETAILS as Partial<Record<ErrorCode, z.ZodTypeAny>>)[code];
}

export { PaymentGateway } from './client.js';
export type { ApiKeySource, Fetch, PaymentGatewayOptions, RequestOptions } from './options.js';
export { DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS } from './options.js';
export type { HeadersLike } from './internal/headers.js';
export { apiKeyChecksum, isValidApiKeyFormat, parseApiKey, type ParsedApiKey } from './api-key.js';
export {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  PaymentGatewayConfigError,
  PaymentGatewayError,
  PermissionDeniedError,
  RateLimitError,
  TimeoutError,
  UnprocessableEntityError,
  ValidationError,
  type ApiErrorCode,
  type ConfigErrorCode,
  type ConnectionErrorInfo,
} from './errors.js';
export type { Page } from './pagination.js';
export { emitWarning, type PaymentGatewayWarning, type PaymentGatewayWarningCode, type WarningHandler } from './warnings.js';
export { ApiKeys, type OrganizationRequestOptions } from './resources/api-keys.js';
export { SystemApiKeys } from './resources/system-api-keys.js';
export { Portal } from './resources/portal.js';
export { Clients } from './resources/clients.js';
export { Invoices } from './resources/invoices.js';
export { RecurringSchedules } from './resources/recurring-schedules.js';
export { Sites } from './resources/sites.js';
export { Checkouts } from './resources/checkouts.js';
export { Transactions } from './resources/transactions.js';
export { CreditNotes } from './resources/credit-notes.js';
export { DataExport, ExportDownload } from './resources/data-export.js';
export { OrganizationAuditEvents, OrganizationResource, OrganizationSettingsResource } from './resources/organization.js';
export {
  SystemAuditEvents,
  SystemOrganizations,
  SystemRecurring,
  SystemResource,
  SystemSettingsResource,
  SystemUsers,
} from './resources/system.js';
export * from './types.js';
export { API_KEY_TOKEN_REGEX, ERROR_CODES, SCOPE_BUNDLES } from '@payment-gateway/contract';

// Inputs and outputs of every SDK method, inferred from the contract so they cannot drift.
import type { ApiContract } from '@payment-gateway/contract';
import type { ClientInferRequest, ClientInferResponseBody } from '@ts-rest/core';

type A = ApiContract;
type Body<T> = T extends { body: infer B } ? B : never;
type Query<T> = T extends { query?: infer Q } ? NonNullable<Q> : T extends { query: infer Q } ? NonNullable<Q> : never;

export type {
  Checkout,
  CheckoutItem,
  CreatedCheckout,
  CreditNote,
  Refund,
  Site,
  Transaction,
  ApiKey,
  ApiKeyUsage,
  ApiKeyWithToken,
  AuditEvent,
  Client,
  DataEntityType,
  ErrorCode,
  ImportResult,
  ImportRowResult,
  Invoice,
  Membership,
  Organization,
  RecurringRun,
  RecurringSchedule,
  RecurringStatus,
  Scope,
  SystemSettings,
  User,
  Whoami,
} from '@payment-gateway/contract';

/** One UTC hour of a key's usage: `{ hour, accepted, refused }`. */
export type ApiKeyUsageHour = ClientInferResponseBody<A['orgApiKeys']['usage'], 200>['hours'][number];

export type ListApiKeysParams = Query<ClientInferRequest<A['orgApiKeys']['list']>>;
export type CreateApiKeyParams = Body<ClientInferRequest<A['orgApiKeys']['create']>>;
export type UpdateApiKeyParams = Body<ClientInferRequest<A['orgApiKeys']['update']>>;
export type RevokeApiKeyParams = NonNullable<Body<ClientInferRequest<A['orgApiKeys']['revoke']>>>;
export type RotateApiKeyParams = NonNullable<Body<ClientInferRequest<A['orgApiKeys']['rotate']>>>;

export type CreateMagicLinkParams = Body<ClientInferRequest<A['portalLinks']['createMagicLink']>>;
export type MagicLink = ClientInferResponseBody<A['portalLinks']['createMagicLink'], 201>;

export type ListOrganizationsParams = Query<ClientInferRequest<A['system']['listOrganizations']>>;
export type CreateOrganizationParams = Body<ClientInferRequest<A['system']['createOrganization']>>;
export type UpdateOrganizationParams = Body<ClientInferRequest<A['system']['updateOrganization']>>;
export type ListUsersParams = Query<ClientInferRequest<A['system']['listUsers']>>;
export type CreateUserParams = Body<ClientInferRequest<A['system']['createUser']>>;
export type SetMembershipParams = Body<ClientInferRequest<A['system']['setMembership']>>;
export type UpdateSystemSettingsParams = Body<ClientInferRequest<A['system']['updateSettings']>>;
export type SystemHealth = ClientInferResponseBody<A['system']['health'], 200>;
export type ListSystemAuditEventsParams = Query<ClientInferRequest<A['system']['auditEvents']>>;

export type OrganizationSettings = ClientInferResponseBody<A['organization']['getSettings'], 200>;
export type UpdateOrganizationSettingsParams = Body<ClientInferRequest<A['organization']['updateSettings']>>;
export type ListAuditEventsParams = Query<ClientInferRequest<A['organization']['auditEvents']>>;

export type ListClientsParams = Query<ClientInferRequest<A['clients']['list']>>;
export type CreateClientParams = Body<ClientInferRequest<A['clients']['create']>>;

export type ListInvoicesParams = Query<ClientInferRequest<A['invoices']['list']>>;
export type CreateInvoiceParams = Body<ClientInferRequest<A['invoices']['create']>>;
export type ListRecurringSchedulesParams = Query<ClientInferRequest<A['invoices']['listRecurring']>>;
export type CreateRecurringScheduleParams = Body<ClientInferRequest<A['invoices']['createRecurring']>>;

export type ListSitesParams = Query<ClientInferRequest<A['sites']['list']>>;
export type CreateSiteParams = Body<ClientInferRequest<A['sites']['create']>>;

export type CreateCheckoutParams = Body<ClientInferRequest<A['checkouts']['create']>>;
export type ListCheckoutsParams = Query<ClientInferRequest<A['checkouts']['list']>>;
export type UpdateCheckoutParams = Body<ClientInferRequest<A['checkouts']['update']>>;

export type ListTransactionsParams = Query<ClientInferRequest<A['transactions']['list']>>;
export type CreateManualTransactionParams = Body<ClientInferRequest<A['transactions']['createManual']>>;
export type RefundParams = NonNullable<Body<ClientInferRequest<A['transactions']['refund']>>>;

export type ListCreditNotesParams = Query<ClientInferRequest<A['creditNotes']['list']>>;
export type ExportParams = Body<ClientInferRequest<A['dataIo']['export']>>;
export type ImportParams = Body<ClientInferRequest<A['dataIo']['import']>>;

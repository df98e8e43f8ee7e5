import {
  Actor,
  ALL_SCOPES,
  ApiKey,
  ApiKeyWithToken,
  AuditEvent,
  Client,
  CreateApiKeyBody,
  CreateClientBody,
  CreateInvoiceBody,
  CreateMagicLinkBody,
  CreateOrganizationBody,
  CreateRecurringScheduleBody,
  CreateUserBody,
  DeepHealth,
  Invoice,
  InvoiceLine,
  LoginBody,
  MagicLink,
  Membership,
  Organization,
  OrganizationSettings,
  PortalSession,
  RecurringSchedule,
  RoleSchema,
  ScopeSchema,
  SessionTokenResponse,
  SystemSettings,
  UpdateApiKeyBody,
  UpdateOrganizationBody,
  UpdateOrganizationSettingsBody,
  UpdateSystemSettingsBody,
  User,
  Whoami,
  Site,
  CreateSiteBody,
  Checkout,
  CheckoutItem,
  CreateCheckoutBody,
  CreatedCheckout,
  UpdateCheckoutBody,
  Transaction,
  CreateManualTransactionBody,
  RefundBody,
  Refund,
  CreditNote,
} from '@payment-gateway/contract';
import type { SchemaObject } from 'openapi3-ts/oas31';
import type { ZodTypeAny } from 'zod';
import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';

/**
 * Contract schemas that become `components/schemas` entries, by component name. Every other
 * schema is inlined where it is used.
 */
export const NAMED_SCHEMAS: Readonly<Record<string, ZodTypeAny>> = {
  Actor,
  ApiKey,
  ApiKeyWithToken,
  CreateApiKeyBody,
  UpdateApiKeyBody,
  LoginBody,
  SessionToken: SessionTokenResponse,
  Whoami,
  User,
  Membership,
  Role: RoleSchema,
  MagicLink,
  CreateMagicLinkBody,
  PortalSession,
  Organization,
  CreateOrganizationBody,
  UpdateOrganizationBody,
  OrganizationSettings,
  UpdateOrganizationSettingsBody,
  SystemSettings,
  UpdateSystemSettingsBody,
  DeepHealth,
  CreateUserBody,
  AuditEvent,
  Client,
  CreateClientBody,
  Invoice,
  InvoiceLine,
  CreateInvoiceBody,
  RecurringSchedule,
  CreateRecurringScheduleBody,
  Site,
  CreateSiteBody,
  Checkout,
  CheckoutItem,
  CreateCheckoutBody,
  CreatedCheckout,
  UpdateCheckoutBody,
  Transaction,
  CreateManualTransactionBody,
  RefundBody,
  Refund,
  CreditNote,
};

/** `Scope` is a plain string in the contract (the server answers UNKNOWN_SCOPE itself); documented as the catalogue enum. */
const SCOPE_COMPONENT: SchemaObject = {
  type: 'string',
  enum: [...ALL_SCOPES],
  description: 'A scope from the catalogue (see `x-scopes`): `resource:action`, or `resource:*` for every action of a resource.',
};

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Converts contract (zod) schemas to OpenAPI 3.1 (JSON Schema 2020-12 compatible) schemas. */
export interface SchemaConverter {
  /** The schema for a contract type, with named schemas as `$ref`s. */
  toSchema(schema: ZodTypeAny): SchemaObject;
  /** Every named component schema. */
  components(): Record<string, SchemaObject>;
}

export function createSchemaConverter(named: Readonly<Record<string, ZodTypeAny>> = NAMED_SCHEMAS): SchemaConverter {
  const nameOf = new Map<unknown, string>(Object.entries(named).map(([name, schema]) => [schema._def, name]));
  nameOf.set(ScopeSchema._def, 'Scope');

  const convert = (schema: ZodTypeAny, self?: string): SchemaObject => {
    const out = zodToJsonSchema(schema, {
      target: 'jsonSchema7',
      // Repeated inline schemas are copied, never referenced by JSON pointer into another schema.
      $refStrategy: 'none',
      // Only `.strict()` objects (request bodies) close their properties; responses stay open so
      // clients keep working when a field is added.
      removeAdditionalStrategy: 'strict',
      allowedAdditionalProperties: undefined,
      override: (def) => {
        const name = nameOf.get(def);
        return name && name !== self ? schemaRef(name) : ignoreOverride;
      },
    }) as SchemaObject & { $schema?: string };
    delete out.$schema;
    return withoutRepeatedDescriptions(out);
  };

  return {
    toSchema: (schema) => convert(schema),
    components: () => {
      const out: Record<string, SchemaObject> = { Scope: SCOPE_COMPONENT };
      for (const [name, schema] of Object.entries(named)) {
        const converted = convert(schema, name);
        // The contract names schemas with `.describe(Name)`; a title says that better than a description.
        if (converted.description === name) delete converted.description;
        out[name] = { title: name, ...converted };
      }
      return out;
    },
  };
}

/** `.nullable()` copies a description into the non-null branch too; say it once, on the union. */
function withoutRepeatedDescriptions<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutRepeatedDescriptions) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withoutRepeatedDescriptions(v)])) as Record<string, unknown>;
  if (typeof out.description === 'string' && Array.isArray(out.anyOf)) {
    out.anyOf = out.anyOf.map((branch: Record<string, unknown>) => {
      if (branch.description !== out.description) return branch;
      const { description: _repeated, ...rest } = branch;
      return rest;
    });
  }
  return out as T;
}

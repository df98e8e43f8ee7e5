import { z } from 'zod';
import { API_PREFIX, bodyErrorResponses, c, OrganizationId, PageQuery, pageOf, ResourceId, Timestamp, singleLineText } from './common.js';
import { ORG_RESOURCE_ERRORS, orgRoute } from './org-route.js';
import { IsoCurrencyCode } from './currencies.js';
import { WebUrl } from './web-url.js';

export const SiteId = ResourceId('site');

/** The one rule for URLs customers are sent to (https; http only on loopback): see web-url.ts. */
export { isWebUrl, WEB_URL_MESSAGE, WebUrl } from './web-url.js';

export const Site = z
  .object({
    id: SiteId,
    organizationId: OrganizationId,
    name: z.string(),
    url: z.string().describe("The merchant site's address"),
    defaultCurrency: IsoCurrencyCode,
    createdAt: Timestamp,
  })
  .describe('Site');
export type Site = z.infer<typeof Site>;

export const CreateSiteBody = z
  .object({
    name: singleLineText(200),
    url: WebUrl,
    defaultCurrency: IsoCurrencyCode,
  })
  .strict();
export type CreateSiteBody = z.infer<typeof CreateSiteBody>;

const tag = 'Sites';
const errors = ORG_RESOURCE_ERRORS;
const params = z.object({ id: SiteId });

/** SPEC §5: the merchant sites checkouts are taken for. */
export const sitesContract = c.router(
  {
    list: {
      method: 'GET',
      path: '/sites',
      query: PageQuery,
      responses: { 200: pageOf(Site), ...errors },
      summary: 'List sites',
      metadata: orgRoute(tag, 'site:read'),
    },
    create: {
      method: 'POST',
      path: '/sites',
      body: CreateSiteBody,
      responses: { 201: Site, ...errors, ...bodyErrorResponses },
      summary: 'Create a site',
      metadata: orgRoute(tag, 'site:create'),
    },
    get: {
      method: 'GET',
      path: '/sites/:id',
      pathParams: params,
      responses: { 200: Site, ...errors },
      summary: 'Get a site',
      metadata: orgRoute(tag, 'site:read'),
    },
    delete: {
      method: 'DELETE',
      path: '/sites/:id',
      pathParams: params,
      body: c.noBody(),
      responses: { 204: c.noBody(), ...errors },
      summary: 'Delete a site (its open checkouts are cancelled; its transactions stay)',
      metadata: orgRoute(tag, 'site:delete'),
    },
  },
  { pathPrefix: API_PREFIX },
);

import { z } from 'zod';
import { Email, OrganizationId, Timestamp, UserId } from './common.js';
import { ROLES } from './scopes.js';

export const RoleSchema = z.enum(ROLES);

export const Membership = z.object({ organizationId: OrganizationId, role: RoleSchema }).describe('Membership');
export type Membership = z.infer<typeof Membership>;

export const User = z
  .object({
    id: UserId,
    email: Email,
    name: z.string(),
    globalAdmin: z.boolean(),
    createdAt: Timestamp,
    memberships: z.array(Membership),
  })
  .describe('User');
export type User = z.infer<typeof User>;

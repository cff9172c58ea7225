import { z } from 'zod';

/** A SCIM User as stripe-bulk reads it (RFC 7643 §4.1); unknown attributes are ignored. */
export const scimUserSchema = z.object({
  id: z.string().min(1),
  userName: z.string(),
  active: z.boolean().optional(),
  name: z.object({ givenName: z.string().nullish(), familyName: z.string().nullish() }).nullish(),
  emails: z.array(z.object({ value: z.string(), primary: z.boolean().nullish(), type: z.string().nullish() })).nullish(),
  meta: z.object({ created: z.string().nullish(), lastModified: z.string().nullish() }).nullish(),
});

export type ScimUser = z.output<typeof scimUserSchema>;

/** A ListResponse (RFC 7644 §3.4.2): `Resources` may be absent when there are none. */
export const scimListSchema = z.object({
  totalResults: z.number().int().min(0),
  itemsPerPage: z.number().int().min(0).optional(),
  startIndex: z.number().int().min(1).optional(),
  Resources: z.array(scimUserSchema).default([]),
});

export type ScimListPage = z.output<typeof scimListSchema>;

/** The SCIM error body (RFC 7644 §3.12): `status` is a string there, some servers send a number. */
export const scimErrorBodySchema = z.object({
  status: z.union([z.string(), z.number()]).optional(),
  detail: z.string().optional(),
  scimType: z.string().optional(),
});

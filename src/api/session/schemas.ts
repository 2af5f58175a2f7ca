import { z } from '../zod';
import { ROLES } from '../../domain';
import { MAX_PASSWORD_LENGTH, SIGN_IN_METHODS } from '../../domain/accounts';

export const signedInPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    centreId: z.string(),
    departmentId: z.string().nullable(),
    /** A resident's own number, so the report form can offer it. */
    phone: z.string().nullable(),
  })
  .openapi('SignedInPerson');

export const sessionViewSchema = z
  .object({
    person: signedInPersonSchema.nullable(),
    method: z.enum(SIGN_IN_METHODS).nullable(),
    expiresAt: z.string().nullable(),
    /** For cookie sessions: send it back as X-CSRF-Token with every write. */
    csrfToken: z.string().nullable(),
    /** For `client: "api"` sign-ins only, once: the bearer token. */
    token: z.string().optional(),
    /** The ways in this deployment offers (the sign-in page shows only these). */
    ways: z.object({ password: z.boolean(), code: z.boolean(), sso: z.boolean(), development: z.boolean() }).optional(),
  })
  .openapi('SessionView');
export type SessionView = z.output<typeof sessionViewSchema>;

/** A browser keeps the session in a cookie; an API client asks for a bearer token. */
export const clientSchema = z.enum(['browser', 'api']).default('browser');

export const passwordSignInSchema = z.strictObject({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  client: clientSchema,
});

const phone = z.string().trim().regex(/^\+?[0-9][0-9 ()-]{5,19}$/, 'a phone number');

export const codeRequestSchema = z.strictObject({
  phone,
  /** The language of the text message. */
  lang: z.enum(['zh', 'en']).default('zh'),
});

export const codeSignInSchema = z.strictObject({
  phone,
  code: z.string().trim().regex(/^[0-9]{6}$/, 'six digits'),
  client: clientSchema,
});

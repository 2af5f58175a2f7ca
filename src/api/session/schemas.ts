import { z } from '../zod';
import { ROLES } from '../../domain';
import { MAX_PASSWORD_LENGTH } from '../../auth/passwords';
import { SIGN_IN_METHODS } from '../../auth/sessions';

export const signedInPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    centreId: z.string(),
    departmentId: z.string().nullable(),
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

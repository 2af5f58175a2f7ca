/** How a person may have signed in. */
export const SIGN_IN_METHODS = ['password', 'code', 'oidc', 'development'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** Length is what makes a password strong (NIST 800-63B): no composition rules. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

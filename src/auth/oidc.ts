/** Single sign-on through an OpenID Connect provider (built on openid-client). */
export interface OidcSignIn {
  /** Where the sign-in button sends the browser, with the state to check on return. */
  start(): Promise<{ url: string; state: string; verifier: string; nonce: string }>;
}

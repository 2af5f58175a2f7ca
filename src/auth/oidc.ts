import * as client from 'openid-client';

/** What onedoor needs to know about the provider and its registration there (src/config.ts). */
export interface OidcSettings {
  /** The provider's issuer identifier; its discovery document says where everything else is. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The claim whose value is a staff member's username. */
  claim: string;
}

/** What the callback must be checked against, kept for the browser between start and callback. */
export interface OidcTransaction {
  state: string;
  verifier: string;
  nonce: string;
  redirectUri: string;
}

/** Who the provider says signed in: its subject, and the configured claim's value when it is a string. */
export interface OidcIdentity {
  subject: string;
  value: string | null;
}

/** The provider could not be reached or did not answer in time (as opposed to answering no). */
export class OidcUnreachable extends Error {
  constructor(cause: unknown) {
    super(`the OpenID Connect provider did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'OidcUnreachable';
  }
}

function unreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  // Node's fetch: a refused connection, an unknown host, a reset.
  return error instanceof TypeError && error.message === 'fetch failed';
}

/**
 * Single sign-on through an OpenID Connect provider, with openid-client: the
 * authorization code flow with PKCE (S256), state and nonce. openid-client checks
 * the authorization response (state, issuer), the ID token (signature against the
 * provider's published keys, issuer, audience, expiry, nonce) and the code verifier.
 * The provider's metadata is discovered on first use and kept; a failed discovery
 * is tried again on the next sign-in.
 */
export class OidcSignIn {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(
    readonly settings: OidcSettings,
    private readonly options: { timeoutSeconds: number } = { timeoutSeconds: 10 },
  ) {}

  private discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    // Plain http only reaches here outside production (src/config.ts refuses it there).
    const insecure = issuer.startsWith('http:');
    this.configuration ??= client
      .discovery(new URL(issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
        timeout: this.options.timeoutSeconds,
        execute: insecure ? [client.allowInsecureRequests] : [],
      })
      .then((found) => {
        // HTTP Basic, OpenID Connect's default for a registered client; a provider that offers only form posts gets those.
        const methods = found.serverMetadata().token_endpoint_auth_methods_supported;
        const postOnly = methods !== undefined && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
        const configuration = postOnly ? new client.Configuration(found.serverMetadata(), clientId, clientSecret, client.ClientSecretPost(clientSecret)) : found;
        if (postOnly && insecure) client.allowInsecureRequests(configuration);
        configuration.timeout = this.options.timeoutSeconds;
        return configuration;
      })
      .catch((error: unknown) => {
        this.configuration = null;
        throw unreachable(error) ? new OidcUnreachable(error) : error;
      });
    return this.configuration;
  }

  /** Where to send the browser, and what its return must match. */
  async start(redirectUri: string): Promise<{ url: string; transaction: OidcTransaction }> {
    const configuration = await this.discover();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, transaction: { state, verifier, nonce, redirectUri } };
  }

  /**
   * Checks the provider's answer at `callbackUrl` against the transaction, redeems
   * the code and reads the claim: from the ID token, or else from the userinfo
   * endpoint (many providers put profile claims only there).
   */
  async finish(callbackUrl: URL, transaction: OidcTransaction): Promise<OidcIdentity> {
    const configuration = await this.discover();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider sent no ID token');
      let value: unknown = claims[this.settings.claim];
      if (value === undefined && configuration.serverMetadata().userinfo_endpoint) {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        value = info[this.settings.claim];
      }
      return { subject: claims.sub, value: typeof value === 'string' && value !== '' ? value : null };
    } catch (error) {
      throw unreachable(error) ? new OidcUnreachable(error) : error;
    }
  }
}

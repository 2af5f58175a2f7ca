import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider for tests: oidc-provider (a certified
 * implementation) with its built-in development login and consent pages, where
 * any login is accepted and becomes the account id and preferred_username.
 */
export const OIDC_CLIENT = { id: 'onedoor-test', secret: 'the-test-provider-client-secret-0123456789' };

export interface TestProvider {
  issuer: string;
  /** Registers onedoor as a client with this redirect URI and starts answering. */
  serve(redirectUri: string): void;
  close(): Promise<void>;
}

/** Listens on a free port first, so the issuer is known before onedoor is configured with it. */
export async function listenOidcProvider(): Promise<TestProvider> {
  let handler: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null;
  const server = http.createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end('down');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let provider: Provider | null = null;
  return {
    issuer,
    serve(redirectUri) {
      provider ??= new Provider(issuer, {
        clients: [
          {
            client_id: OIDC_CLIENT.id,
            client_secret: OIDC_CLIENT.secret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, name: `SSO ${id}` }) }),
        claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
        features: { devInteractions: { enabled: true } },
        pkce: { required: () => true },
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
        cookies: { keys: ['the-test-provider-cookie-key-0123456789'] },
      });
      handler = provider.callback();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

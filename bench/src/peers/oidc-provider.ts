/**
 * A peer: the certified `oidc-provider` answering RFC 7662 introspection of an opaque access
 * token (client_credentials, client_secret_basic). Prints its URL, the token and the client's
 * Authorization header.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const CLIENT = { id: 'bench-rs', secret: 'bench-rs-secret-bench-rs-secret' };
let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = (_req, res) => res.end();
const server = createServer((req, res) => handler(req, res));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' }] },
  cookies: { keys: ['bench-cookie-key-bench-cookie-key'] },
  features: { introspection: { enabled: true }, clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
} as never);
handler = provider.callback() as never;
const authorization = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`;
const response = await fetch(`${issuer}/token`, {
  method: 'POST',
  headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
});
const { access_token: token } = (await response.json()) as { access_token: string };
const check = await fetch(`${issuer}/token/introspection`, {
  method: 'POST',
  headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
  body: `token=${token}`,
});
const introspected = (await check.json()) as { active: boolean };
if (!introspected.active) throw new Error('oidc-provider did not introspect its own token as active');
process.stdout.write(`${JSON.stringify({ url: issuer, token, authorization })}\n`);

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tokenMintedOwner } from '../../idp/tokens.ts';
import { tokenIdOf } from '../token-id.ts';
import { matchesSha256, oauthError, parseForm, postOnly, tenantPath, type FormResult, type IdpRouteDeps } from './common.ts';

const URL = '/v1/tenants/:tenant/oauth/revoke';
const FIELDS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;

type Request = FastifyRequest<{ Params: { tenant: string }; Body: string }>;

/** `client_secret_basic` credentials (RFC 6749 §2.3.1: each part form-urlencoded), if the header carries them. */
function basicCredentials(request: Request): { clientId: string; secret: string } | null | 'malformed' {
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!basic) return null;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

/**
 * Client authentication as at the token endpoint, before the request is looked at:
 * `client_secret_basic` from the header alone, or `client_secret_post` from the form.
 */
function authenticateClient(request: Request, form: FormResult, deps: IdpRouteDeps): string | null {
  const basic = basicCredentials(request);
  if (basic === 'malformed') return null;
  const fields = form.ok ? form.fields : {};
  const [clientId, secret] = basic ? [basic.clientId, basic.secret] : [fields.client_id, fields.client_secret];
  const client = deps.registry.tenant(request.params.tenant)?.clients.find((c) => c.clientId === clientId);
  return client && matchesSha256(secret, client.secretSha256) ? client.clientId : null;
}

/**
 * RFC 7009 for the RP's own clients. A refresh token revokes its family (grant-scoped, with its
 * access tokens and the agents using it); an access token revokes itself. Unknown tokens: 200.
 */
export function oauthRevocationRoutes(app: FastifyInstance, deps: IdpRouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: string }>(
    URL,
    {
      schema: {
        summary: 'RFC 7009 token revocation (for the RP’s own OAuth clients)',
        description:
          'Form fields `token` and `token_type_hint`; client authentication `client_secret_basic` or `client_secret_post`. 401 `invalid_client` before anything else; 200 for unknown tokens.',
        tags: ['oauth'],
        params: tenantPath,
        consumes: ['application/x-www-form-urlencoded'],
      },
      config: { idpErrors: 'oauth', rawBody: true },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const form = parseForm(request.headers['content-type'], request.body, FIELDS);
      // 1. Authenticate the client (RFC 7009 §2.1, RFC 6749 §5.2).
      const clientId = authenticateClient(request, form, deps);
      if (!clientId)
        return oauthError(
          reply.header('www-authenticate', 'Basic realm="killswitch"'),
          401,
          'invalid_client',
          'client authentication failed',
        );
      // 2. Parse.
      if (!form.ok) return oauthError(reply, 400, 'invalid_request', form.description);
      const { token: presented, token_type_hint: hint } = form.fields;
      if (!presented || presented.length > 16384) return oauthError(reply, 400, 'invalid_request', 'token is required');
      if (hint !== undefined && hint.length > 64) return oauthError(reply, 400, 'invalid_request', 'token_type_hint is too long');
      // 3. Revoke.
      const { tenant } = request.params;
      const tokenId = tokenIdOf(presented);
      const token = tokenId ? tokenMintedOwner(deps.ledger, tenant, tokenId) : undefined;
      if (!tokenId || !token) return reply.status(200).send(); // unknown or already invalid: the goal is achieved
      if (token.clientId !== null && token.clientId !== clientId)
        return oauthError(reply, 400, 'invalid_grant', 'the token was not issued to this client');
      const family = token.kind === 'REFRESH' && token.grantId !== null;
      const message = {
        protocol: 'rfc7009' as const,
        issuer: `client:${clientId}`,
        messageId: `${tokenId}@${request.id}`,
        messageType: 'rfc7009.revoke',
        raw: tokenId,
        idpEventTime: null,
        reason: `RFC 7009 revocation by ${clientId}`,
      };
      await deps.gateway.apply(tenant, message, [
        family
          ? { scope: 'SESSION_SCOPED_REVOCATION', target: { type: 'GRANT', id: token.grantId as string } }
          : { scope: 'TOKEN_REVOCATION', target: { type: 'TOKEN', id: tokenId } },
      ]);
      return reply.status(200).send();
    },
  );
  postOnly(app, URL, 'oauth');
}

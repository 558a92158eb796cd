import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tokenMintedOwner } from '../../idp/tokens.ts';
import { tokenIdOf } from '../token-id.ts';
import { matchesSha256, tenantPath, type IdpRouteDeps } from './common.ts';

/** Client authentication as at the token endpoint: client_secret_basic or client_secret_post. */
function authenticateClient(
  request: FastifyRequest<{ Params: { tenant: string }; Body: Record<string, string> }>,
  deps: IdpRouteDeps,
): string | null {
  let clientId: string | undefined;
  let secret: string | undefined;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (basic) [clientId, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
  else [clientId, secret] = [request.body?.client_id, request.body?.client_secret];
  const client = deps.registry.tenant(request.params.tenant)?.clients.find((c) => c.clientId === clientId);
  return client && matchesSha256(secret, client.secretSha256) ? client.clientId : null;
}

/**
 * RFC 7009 for the RP's own clients. A refresh token revokes its family (grant-scoped, with its
 * access tokens and the agents using it); an access token revokes itself. Unknown tokens: 200.
 */
export function oauthRevocationRoutes(app: FastifyInstance, deps: IdpRouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: Record<string, string> }>(
    '/v1/tenants/:tenant/oauth/revoke',
    {
      schema: {
        summary: 'RFC 7009 token revocation (for the RP’s own OAuth clients)',
        tags: ['oauth'],
        params: tenantPath,
        consumes: ['application/x-www-form-urlencoded'],
        body: {
          type: 'object',
          required: ['token'],
          properties: { token: { type: 'string', minLength: 1, maxLength: 16384 }, token_type_hint: { type: 'string', maxLength: 64 } },
        },
      },
      config: { idpErrors: 'oauth' },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store');
      const clientId = authenticateClient(request, deps);
      if (!clientId)
        return reply
          .status(401)
          .header('www-authenticate', 'Basic realm="killswitch"')
          .send({ error: 'invalid_client', error_description: 'client authentication failed' });
      const { tenant } = request.params;
      const tokenId = tokenIdOf(request.body.token ?? '');
      const token = tokenId ? tokenMintedOwner(deps.ledger, tenant, tokenId) : undefined;
      if (!tokenId || !token) return reply.status(200).send(); // unknown or already invalid: the goal is achieved
      if (token.clientId !== null && token.clientId !== clientId)
        return reply.status(400).send({ error: 'invalid_grant', error_description: 'the token was not issued to this client' });
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
}

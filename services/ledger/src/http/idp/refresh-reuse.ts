import type { FastifyInstance } from 'fastify';
import { accounts, sessionGraph } from '@killswitch/projections';
import { errorBodySchema } from '../errors.ts';
import { id, tenantParams } from '../schemas.ts';
import type { IdpRouteDeps } from './common.ts';

/**
 * RFC 9700 refresh-token reuse detection: the RP's token endpoint reports each refresh token
 * presented. A token already rotated means theft: the family's session is revoked (SSR).
 */
export function refreshReuseRoute(app: FastifyInstance, { ledger, gateway }: IdpRouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: { tokenId: string } }>(
    '/v1/tenants/:tenant/oauth/refresh-presented',
    {
      config: { role: 'ingest' },
      schema: {
        summary: 'Report a refresh token presented at the token endpoint (reuse detection)',
        tags: ['oauth'],
        params: tenantParams,
        body: { type: 'object', additionalProperties: false, required: ['tokenId'], properties: { tokenId: id } },
        response: {
          200: {
            type: 'object',
            properties: {
              active: { type: 'boolean' },
              reuseDetected: { type: 'boolean' },
              terminationIds: { type: 'array', items: { type: 'string' } },
            },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const rotated = ledger.deps.host.state(accounts).tenants.get(tenant)?.rotated.get(request.body.tokenId);
      if (!rotated) return { active: ledger.checkToken(tenant, request.body.tokenId).active, reuseDetected: false, terminationIds: [] };
      const graph = ledger.deps.host.state(sessionGraph).tenants.get(tenant);
      const sessionId = rotated.grantId ? (graph?.grants.get(rotated.grantId)?.sessionId ?? null) : null;
      const target = sessionId
        ? { type: 'SESSION' as const, id: sessionId }
        : rotated.grantId
          ? { type: 'GRANT' as const, id: rotated.grantId }
          : { type: 'TOKEN' as const, id: request.body.tokenId };
      const plans = gateway
        .plan(tenant, 'rfc9700.refresh-reuse', rotated.userId, [target])
        .map((p) => (target.type === 'TOKEN' ? { scope: 'TOKEN_REVOCATION' as const, target } : p));
      const message = {
        protocol: 'rfc9700' as const,
        issuer: 'token-endpoint',
        messageId: `reuse:${request.body.tokenId}`,
        messageType: 'rfc9700.refresh-reuse',
        raw: request.body.tokenId,
        idpEventTime: null,
        reason: 'refresh token reuse detected',
      };
      const applied = await gateway.apply(tenant, message, plans);
      return { active: false, reuseDetected: true, terminationIds: applied.terminations.map((t) => t.terminationId) };
    },
  );
}

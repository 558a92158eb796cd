import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PresentationContext, PresentedCredential } from '../../application/presentations.ts';
import type { CheckClaims, CheckResult } from '@killswitch/projections';
import type { RouteDeps } from '../app.ts';
import { tokenIdOf } from '../token-id.ts';
import { errorBodySchema } from '../errors.ts';
import { checkClaimsSchema, checkResultSchema, id, tenantParams } from '../schemas.ts';

type CheckBody = { tokenId: string } | { sessionId: string } | { claims: CheckClaims };

export function checkRoutes(app: FastifyInstance, { ledger, metrics }: RouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: CheckBody }>(
    '/v1/tenants/:tenant/check',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Is this token or session still good?',
        description:
          'By token id (jti or reference), by session id (an interactive session: Session Invalidation applies), or by JWT claims (sub, sid, jti, iat, exp, agent_id), which also covers stateless tokens the ledger never saw minted.',
        tags: ['check'],
        params: tenantParams,
        body: {
          oneOf: [
            { type: 'object', additionalProperties: false, required: ['tokenId'], properties: { tokenId: id } },
            { type: 'object', additionalProperties: false, required: ['sessionId'], properties: { sessionId: id } },
            { type: 'object', additionalProperties: false, required: ['claims'], properties: { claims: checkClaimsSchema } },
          ],
        },
        response: { 200: checkResultSchema, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const body = request.body;
      const result: CheckResult =
        'tokenId' in body
          ? ledger.checkToken(tenant, body.tokenId)
          : 'sessionId' in body
            ? ledger.checkSession(tenant, body.sessionId)
            : ledger.checkClaims(tenant, body.claims);
      metrics.countCheck(result.active);
      if (result.active) return result; // the hot path: nothing more
      const credential =
        'tokenId' in body
          ? { credentialType: 'TOKEN' as const, credentialId: body.tokenId }
          : 'sessionId' in body
            ? { credentialType: 'SESSION' as const, credentialId: body.sessionId }
            : claimsCredential(body.claims);
      if (credential) ledger.presentations.refused(tenant, result, credential, 'check', contextOf(request));
      return result;
    },
  );

  // RFC 7662 for the RP's own clients: form-encoded `token`, `{"active": false}` and nothing else when inactive.
  app.post<{ Params: { tenant: string }; Body: { token: string; token_type_hint?: string } }>(
    '/v1/tenants/:tenant/introspect',
    {
      config: { role: 'read' },
      schema: {
        summary: 'RFC 7662 token introspection',
        description:
          'application/x-www-form-urlencoded `token` (a reference token id or a JWT whose jti the ledger recorded). Inactive, revoked, expired or unknown tokens get {"active": false} only.',
        tags: ['check'],
        params: tenantParams,
        consumes: ['application/x-www-form-urlencoded'],
        body: {
          type: 'object',
          required: ['token'],
          properties: { token: { type: 'string', minLength: 1, maxLength: 16384 }, token_type_hint: { type: 'string', maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['active'],
            properties: {
              active: { type: 'boolean' },
              scope: { type: 'string' },
              client_id: { type: 'string' },
              token_type: { type: 'string' },
              exp: { type: 'integer' },
              iat: { type: 'integer' },
              sub: { type: 'string' },
              jti: { type: 'string' },
              sid: { type: 'string' },
              cnf: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const tokenId = tokenIdOf(request.body.token);
      const record = tokenId ? ledger.tokenRecord(tenant, tokenId) : undefined;
      const result = tokenId ? ledger.checkToken(tenant, tokenId) : null;
      if (tokenId && result && !result.active)
        ledger.presentations.refused(tenant, result, { credentialType: 'TOKEN', credentialId: tokenId }, 'introspect', contextOf(request));
      if (!tokenId || !record || !result?.active) return { active: false };
      const cnfMember = record.binding === 'DPOP' ? 'jkt' : 'x5t#S256';
      return {
        active: true,
        scope: record.scope ?? undefined,
        client_id: record.clientId ?? undefined,
        token_type: record.binding === 'DPOP' ? 'DPoP' : 'Bearer',
        exp: Math.floor(record.expiresAt / 1000),
        iat: Math.floor(record.issuedAt / 1000),
        sub: record.userId,
        jti: tokenId,
        sid: record.sessionId ?? undefined,
        cnf: record.binding !== 'BEARER' && record.bindingThumbprint ? { [cnfMember]: record.bindingThumbprint } : undefined,
      };
    },
  );
}

/** A JWT named by its claims: by its jti, else its sid or agent_id (never the token itself). */
function claimsCredential(claims: CheckClaims): PresentedCredential | null {
  const id = claims.jti ?? claims.sid ?? claims.agent_id;
  return id ? { credentialType: 'CLAIMS', credentialId: id, userId: claims.sub ?? null } : null;
}

const contextOf = (request: FastifyRequest): PresentationContext => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
});

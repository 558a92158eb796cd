import type { FastifyInstance } from 'fastify';
import type { Presentation } from '../../application/presentations.ts';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema } from '../errors.ts';
import { epochMs, id, tenantParams } from '../schemas.ts';

interface ReportBody {
  source: string;
  presentations: Array<{
    terminationId: string;
    credentialType: Presentation['credentialType'];
    credentialId: string;
    userId?: string;
    count: number;
    firstAt: number;
    lastAt: number;
    ip?: string;
    userAgent?: string;
  }>;
}

/**
 * Enforcers report the revoked credentials they refused (reuse after revocation), coalesced per
 * credential and minute. Each presentation is recorded on the termination it names, in this
 * tenant only; one naming no termination of this tenant is ignored. `202` once durable.
 */
export function presentationRoutes(app: FastifyInstance, { ledger }: RouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: ReportBody }>(
    '/v1/tenants/:tenant/presentations',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Enforcers report refused presentations of revoked credentials (never the credential itself)',
        tags: ['check'],
        params: tenantParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['source', 'presentations'],
          properties: {
            source: id,
            presentations: {
              type: 'array',
              maxItems: 1000,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['terminationId', 'credentialType', 'credentialId', 'count', 'firstAt', 'lastAt'],
                properties: {
                  terminationId: id,
                  credentialType: { enum: ['TOKEN', 'SESSION', 'CLAIMS'] },
                  credentialId: id,
                  userId: id,
                  count: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
                  firstAt: epochMs,
                  lastAt: epochMs,
                  ip: { type: 'string', maxLength: 64 },
                  userAgent: { type: 'string', maxLength: 512 },
                },
              },
            },
          },
        },
        response: {
          202: {
            type: 'object',
            required: ['recorded', 'ignored'],
            properties: { recorded: { type: 'integer' }, ignored: { type: 'integer' } },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params;
      const known = request.body.presentations.filter(
        (p) => p.lastAt >= p.firstAt && ledger.termination(tenant, p.terminationId) !== undefined,
      );
      await ledger.presentations.reported(
        tenant,
        known.map((p) => ({
          presentation: {
            terminationId: p.terminationId,
            userId: p.userId ?? null,
            credentialType: p.credentialType,
            credentialId: p.credentialId,
            source: request.body.source,
            channel: 'enforcer',
            ip: p.ip ?? null,
            userAgent: p.userAgent ?? null,
          },
          count: p.count,
          firstAt: p.firstAt,
          lastAt: p.lastAt,
        })),
      );
      return reply.status(202).send({ recorded: known.length, ignored: request.body.presentations.length - known.length });
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { SubjectType } from '@killswitch/domain';
import { verifyChain } from '@killswitch/projections';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { digits, id, SUBJECT_TYPES, tenantParams } from '../schemas.ts';

export function forensicRoutes(app: FastifyInstance, { ledger }: RouteDeps): void {
  app.get<{ Params: { tenant: string; type: string; id: string } }>(
    '/v1/tenants/:tenant/blast-radius/:type/:id',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Blast radius of a node: descendants and ancestors, live or revoked, with residual exposure',
        tags: ['forensics'],
        params: {
          ...tenantParams,
          required: ['tenant', 'type', 'id'],
          properties: { ...tenantParams.properties, type: { enum: [...SUBJECT_TYPES] }, id },
        },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { tenant, type, id: nodeId } = request.params;
      const radius = ledger.blastRadius(tenant, { type: type.toUpperCase() as SubjectType, id: nodeId });
      if (!radius) throw new HttpError(404, 'ERR_UNKNOWN_TARGET', `unknown ${type}`);
      return radius;
    },
  );

  app.get<{ Params: { tenant: string }; Querystring: { after?: string; limit?: string } }>(
    '/v1/tenants/:tenant/audit',
    {
      config: { role: 'audit' },
      schema: {
        summary: 'The hash-chained audit trail of terminations, and whether the chain verifies',
        tags: ['forensics'],
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: digits, limit: digits },
        },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const entries = ledger.auditEntries(request.params.tenant);
      const after = Number(request.query.after ?? 0);
      const page = entries.slice(after, after + Math.min(10_000, Math.max(1, Number(request.query.limit ?? 1000))));
      return { entries: page, total: entries.length, verification: verifyChain(entries) };
    },
  );
}

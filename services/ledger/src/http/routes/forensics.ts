import type { FastifyInstance } from 'fastify';
import type { SubjectType } from '@killswitch/domain';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { asOfQuery, digits, id, parseAsOf, SUBJECT_TYPES, tenantParams, type AsOfParams } from '../schemas.ts';

export function forensicRoutes(app: FastifyInstance, { ledger }: RouteDeps): void {
  const nodeParams = {
    ...tenantParams,
    required: ['tenant', 'type', 'id'],
    properties: { ...tenantParams.properties, type: { enum: [...SUBJECT_TYPES] }, id },
  } as const;

  app.get<{ Params: { tenant: string; type: string; id: string }; Querystring: AsOfParams }>(
    '/v1/tenants/:tenant/blast-radius/:type/:id',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'Blast radius of a node: descendants and ancestors, live or revoked, with residual exposure (now, or as of an instant or position)',
        tags: ['forensics'],
        params: nodeParams,
        querystring: asOfQuery,
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { tenant, type, id: nodeId } = request.params;
      const subject = { type: type.toUpperCase() as SubjectType, id: nodeId };
      const asOf = parseAsOf(request.query);
      const radius = asOf ? await ledger.blastRadiusAsOf(tenant, subject, asOf) : await ledger.blastRadiusNow(tenant, subject);
      if (!radius) throw new HttpError(404, 'ERR_UNKNOWN_TARGET', `unknown ${type}`);
      return radius;
    },
  );

  app.get<{ Params: { tenant: string; type: string; id: string }; Querystring: AsOfParams }>(
    '/v1/tenants/:tenant/status/:type/:id',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Was this token, session, grant or agent good at an instant (or now)? From the graph’s durable history',
        tags: ['forensics'],
        params: nodeParams,
        querystring: asOfQuery,
        response: {
          200: {
            type: 'object',
            required: ['active', 'state'],
            properties: { active: { type: 'boolean' }, state: { type: 'string' }, userId: { type: 'string' } },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { tenant, type, id: nodeId } = request.params;
      const subject = { type: type.toUpperCase() as SubjectType, id: nodeId };
      const radius = await ledger.blastRadiusAsOf(
        tenant,
        subject,
        parseAsOf(request.query) ?? { clock: 'recorded', at: ledger.deps.now() },
      );
      if (!radius) throw new HttpError(404, 'ERR_UNKNOWN_TARGET', `unknown ${type}`);
      return { active: radius.subject.state === 'live', state: radius.subject.state, userId: radius.userId };
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
      const after = Number(request.query.after ?? 0);
      return ledger.auditPage(request.params.tenant, after, Math.min(10_000, Math.max(1, Number(request.query.limit ?? 1000))));
    },
  );
}

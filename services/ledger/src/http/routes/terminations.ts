import type { FastifyInstance } from 'fastify';
import type { SubjectType } from '@killswitch/domain';
import type { TerminationRecord } from '@killswitch/projections';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { asOfQuery, digits, id, parseAsOf, SCOPES, subjectRef, tenantParams, terminationSchema, type AsOfParams } from '../schemas.ts';
import type { EventData } from '@killswitch/schemas';

type Scope = EventData<'TerminationRequested'>['scope'];

interface TerminationBody {
  scope: (typeof SCOPES)[number];
  target: { type: string; id: string };
  reason: string;
  ipsieLevel?: 'SL2' | 'SL3';
}

export function terminationView(record: TerminationRecord, replayed: boolean) {
  const { request, applied } = record;
  return {
    terminationId: record.terminationId,
    replayed,
    status: applied ? 'applied' : 'requested',
    scope: request.scope.toLowerCase(),
    target: { type: request.target.type.toLowerCase(), id: request.target.id },
    userId: request.userId,
    reason: request.reason,
    source: request.source.toLowerCase(),
    requestedAt: request.requestedAt,
    position: record.position,
    noChange: applied?.noChange,
    ended: applied?.ended,
    residual: applied?.residual,
    verdict: applied?.verdict,
    propagation: {
      enforcers: Object.entries(record.propagation.enforcers).map(([enforcerId, appliedAt]) => ({ enforcerId, appliedAt })),
      completedAt: record.propagation.completed?.completedAt ?? null,
      propagationMs: record.propagation.completed?.propagationMs ?? null,
    },
    receipt: {
      deliveredAt: record.receipt.delivered?.deliveredAt ?? null,
      attempts: record.receipt.delivered?.attempts ?? record.receipt.failures.length,
      failures: record.receipt.failures.map((f) => ({ attempt: f.attempt, error: f.error, final: f.final, at: f.failedAt })),
    },
    attemptsAfterRevocation: {
      count: record.attempts.count,
      firstAt: record.attempts.firstAt,
      lastAt: record.attempts.lastAt,
      lastIp: record.attempts.lastIp,
      lastUserAgent: record.attempts.lastUserAgent,
      sources: Object.entries(record.attempts.sources).map(([source, count]) => ({ source, count })),
      credentials: Object.keys(record.attempts.credentials).length,
    },
    agentCancellations: record.agentCancellations.map((c) => ({
      agentId: c.agentId,
      taskId: c.taskId,
      outcome: 'outcome' in c ? c.outcome : 'failed',
      error: 'error' in c ? c.error : null,
    })),
  };
}

export function terminationRoutes(app: FastifyInstance, { ledger, metrics }: RouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: TerminationBody; Headers: { 'idempotency-key'?: string } }>(
    '/v1/tenants/:tenant/terminations',
    {
      config: { role: 'respond' },
      schema: {
        summary: 'End access at one of the three scopes (or one token)',
        description:
          'session_invalidation: the interactive session(s) end, tokens and agents survive. session_scoped_revocation: the node and everything derived from it. global_revocation: everything of the user (one not-before instant). Send an Idempotency-Key to make retries safe.',
        tags: ['terminations'],
        params: tenantParams,
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 256 } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['scope', 'target', 'reason'],
          properties: {
            scope: { enum: [...SCOPES] },
            target: subjectRef,
            reason: { type: 'string', minLength: 1, maxLength: 512 },
            ipsieLevel: { enum: ['SL2', 'SL3'] },
          },
        },
        response: { 200: terminationSchema, 201: terminationSchema, '4xx': errorBodySchema },
      },
    },
    async (request, reply) => {
      const caller = request.caller();
      const key = request.headers['idempotency-key'];
      const { replayed, record, timings } = await ledger.terminate(caller, {
        scope: request.body.scope.toUpperCase() as Scope,
        target: { type: request.body.target.type.toUpperCase() as SubjectType, id: request.body.target.id },
        reason: request.body.reason,
        ipsieLevel: request.body.ipsieLevel,
        messageIdentity: key ? { issuer: caller.actor, messageId: key } : undefined,
      });
      if (!replayed) metrics.terminations.inc({ scope: record.request.scope, source: record.request.source });
      if (timings) metrics.terminationKill.observe({ scope: record.request.scope }, timings.killMs / 1000);
      return reply.status(replayed ? 200 : 201).send(terminationView(record, replayed));
    },
  );

  app.get<{ Params: { tenant: string; terminationId: string }; Querystring: AsOfParams }>(
    '/v1/tenants/:tenant/terminations/:terminationId',
    {
      config: { role: 'read' },
      schema: {
        summary: 'What a termination ended, what is still alive, and the IPSIE verdict (now, or as of an instant or position)',
        tags: ['terminations'],
        params: { ...tenantParams, required: ['tenant', 'terminationId'], properties: { ...tenantParams.properties, terminationId: id } },
        querystring: asOfQuery,
        response: { 200: terminationSchema, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { tenant, terminationId } = request.params;
      const asOf = parseAsOf(request.query);
      const record = asOf ? await ledger.terminationAsOf(tenant, terminationId, asOf) : ledger.termination(tenant, terminationId);
      if (!record) throw new HttpError(404, 'ERR_UNKNOWN_TERMINATION', asOf ? 'no such termination at that moment' : 'no such termination');
      return terminationView(record, false);
    },
  );

  app.get<{ Params: { tenant: string; terminationId: string } }>(
    '/v1/tenants/:tenant/terminations/:terminationId/coverage',
    {
      config: { role: 'read' },
      schema: {
        summary:
          'Coverage: every session, grant and agent of the target ended (as the graph has them now), every enforcer live at completion applied it, stateless exposure left and until when',
        tags: ['terminations'],
        params: { ...tenantParams, required: ['tenant', 'terminationId'], properties: { ...tenantParams.properties, terminationId: id } },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const coverage = ledger.coverage(request.params.tenant, request.params.terminationId);
      if (!coverage) throw new HttpError(404, 'ERR_UNKNOWN_TERMINATION', 'no such termination');
      return coverage;
    },
  );

  app.get<{ Params: { tenant: string }; Querystring: ListQuery }>(
    '/v1/tenants/:tenant/terminations',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Terminations in recorded-time order, filtered by time range, source, scope or user; cursor-paginated',
        tags: ['terminations'],
        params: tenantParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { ...digits, description: 'Recorded at or after (epoch ms)' },
            to: { ...digits, description: 'Recorded before (epoch ms)' },
            source: { enum: [...SOURCES] },
            scope: { enum: [...SCOPES] },
            userId: id,
            cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,400}$', description: '`next` of the previous page' },
            limit: { type: 'string', pattern: '^(1000|[1-9][0-9]{0,2})$', description: 'Page size, 1 to 1000 (default 100)' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['terminations', 'next'],
            properties: {
              terminations: { type: 'array', items: { type: 'object', additionalProperties: true } },
              next: { type: ['string', 'null'] },
            },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = Number(q.limit ?? 100);
      const page = await ledger.listTerminations(request.params.tenant, {
        ...(q.from === undefined ? {} : { from: Number(q.from) }),
        ...(q.to === undefined ? {} : { to: Number(q.to) }),
        ...(q.source === undefined ? {} : { source: q.source.toUpperCase() }),
        ...(q.scope === undefined ? {} : { scope: q.scope.toUpperCase() }),
        ...(q.userId === undefined ? {} : { userId: q.userId }),
        ...(q.cursor === undefined ? {} : { after: decodeCursor(q.cursor) }),
        limit,
      });
      const last = page.length === limit ? page[page.length - 1] : undefined;
      return {
        terminations: page.map((t) => ({
          ...t,
          source: t.source.toLowerCase(),
          scope: t.scope.toLowerCase(),
          target: { type: t.target.type.toLowerCase(), id: t.target.id },
          status: t.appliedPosition === null ? 'requested' : 'applied',
        })),
        next: last ? Buffer.from(JSON.stringify([last.recordedAt, last.terminationId])).toString('base64url') : null,
      };
    },
  );
}

interface ListQuery {
  from?: string;
  to?: string;
  source?: (typeof SOURCES)[number];
  scope?: (typeof SCOPES)[number];
  userId?: string;
  cursor?: string;
  limit?: string;
}

/** Termination sources as the API names them. */
const SOURCES = ['api', 'user', 'ssf', 'op_commands', 'global_token_revocation', 'backchannel_logout', 'rfc7009'] as const;

function decodeCursor(cursor: string): { recordedAt: number; terminationId: string } {
  try {
    const [recordedAt, terminationId] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof recordedAt === 'number' && Number.isSafeInteger(recordedAt) && typeof terminationId === 'string')
      return { recordedAt, terminationId };
  } catch {
    /* reported below */
  }
  throw new HttpError(400, 'ERR_CURSOR', 'cursor is not one this API returned');
}

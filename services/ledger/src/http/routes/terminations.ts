import type { FastifyInstance } from 'fastify';
import type { SubjectType } from '@killswitch/domain';
import type { TerminationRecord } from '@killswitch/projections';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { id, SCOPES, subjectRef, tenantParams, terminationSchema } from '../schemas.ts';
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

  app.get<{ Params: { tenant: string; terminationId: string } }>(
    '/v1/tenants/:tenant/terminations/:terminationId',
    {
      config: { role: 'read' },
      schema: {
        summary: 'What a termination ended, what is still alive, and the IPSIE verdict',
        tags: ['terminations'],
        params: { ...tenantParams, required: ['tenant', 'terminationId'], properties: { ...tenantParams.properties, terminationId: id } },
        response: { 200: terminationSchema, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const record = ledger.termination(request.params.tenant, request.params.terminationId);
      if (!record) throw new HttpError(404, 'ERR_UNKNOWN_TERMINATION', 'no such termination');
      return terminationView(record, false);
    },
  );
}

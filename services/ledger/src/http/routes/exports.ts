import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { digits, id, tenantParams } from '../schemas.ts';
import { evidenceBundle, EXPORT_KINDS, sealedExport, type ExportKind, type ExportSources } from '../../application/exports.ts';

const MEDIA_TYPES = { jsonl: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/** Exports for auditors: streamed, hash-chained, sealed with the key at /.well-known/jwks.json. */
export function exportRoutes(app: FastifyInstance, { ledger, signingKey }: RouteDeps): void {
  const sources = (): ExportSources => {
    if (!signingKey) throw new HttpError(503, 'ERR_NO_SIGNING_KEY', 'this ledger has no signing key to seal exports with');
    return { store: ledger.deps.store, terminations: ledger.terminations, signingKey, now: ledger.deps.now };
  };

  app.get<{
    Params: { tenant: string; kind: ExportKind };
    Querystring: { format?: 'jsonl' | 'csv'; from?: string; to?: string };
  }>(
    '/v1/tenants/:tenant/exports/:kind',
    {
      config: { role: 'audit' },
      schema: {
        summary:
          'Export the audit trail or the raw events of a time range (recorded time) as JSON Lines or CSV: streamed, hash-chained, closed by a detached JWS over the chain head (verify with `npm run cli -- verify`)',
        tags: ['forensics'],
        params: {
          ...tenantParams,
          required: ['tenant', 'kind'],
          properties: { ...tenantParams.properties, kind: { enum: [...EXPORT_KINDS] } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            format: { enum: ['jsonl', 'csv'], default: 'jsonl' },
            from: { ...digits, description: 'Recorded at or after (epoch ms)' },
            to: { ...digits, description: 'Recorded before (epoch ms)' },
          },
        },
        produces: ['application/x-ndjson', 'text/csv'],
        response: { '4xx': errorBodySchema },
      },
    },
    async (request, reply) => {
      const { tenant, kind } = request.params;
      const format = request.query.format ?? 'jsonl';
      const from = request.query.from === undefined ? undefined : Number(request.query.from);
      const to = request.query.to === undefined ? undefined : Number(request.query.to);
      if (from !== undefined && to !== undefined && from >= to) throw new HttpError(400, 'ERR_RANGE', '`from` must be before `to`');
      const exportSources = sources();
      if (kind === 'audit') await ledger.durableCaughtUp();
      const name = `killswitch-${tenant}-${kind}${from === undefined ? '' : `-${from}`}${to === undefined ? '' : `-${to}`}.${format}`;
      return reply
        .type(MEDIA_TYPES[format])
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(
          Readable.from(
            sealedExport(exportSources, {
              kind,
              tenant,
              format,
              ...(from === undefined ? {} : { from }),
              ...(to === undefined ? {} : { to }),
            }),
          ),
        );
    },
  );

  app.get<{ Params: { tenant: string; terminationId: string } }>(
    '/v1/tenants/:tenant/terminations/:terminationId/evidence',
    {
      config: { role: 'audit' },
      schema: {
        summary:
          'A termination’s evidence bundle, signed: the IdP’s message and its verification, the termination’s events, receipts, enforcer acknowledgements and agent cancellations',
        tags: ['forensics'],
        params: { ...tenantParams, required: ['tenant', 'terminationId'], properties: { ...tenantParams.properties, terminationId: id } },
        response: { '4xx': errorBodySchema },
      },
    },
    async (request, reply) => {
      const { tenant, terminationId } = request.params;
      const bundle = await evidenceBundle(sources(), tenant, terminationId);
      if (!bundle) throw new HttpError(404, 'ERR_UNKNOWN_TERMINATION', 'no such termination');
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="evidence-${tenant}-${terminationId.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`)
        .header('cache-control', 'no-store')
        .send(bundle);
    },
  );
}

import type { FastifyInstance } from 'fastify';
import type { Fact } from '../../application/facts.ts';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema } from '../errors.ts';
import { factSchemas, tenantParams } from '../schemas.ts';

export function factRoutes(app: FastifyInstance, { ledger, config, metrics }: RouteDeps): void {
  app.post<{ Params: { tenant: string }; Body: { facts: Fact[] } }>(
    '/v1/tenants/:tenant/facts',
    {
      config: { role: 'ingest' },
      schema: {
        summary: 'Record facts from the RP auth layer, in order, in one batch',
        description:
          'Sessions started/ended/activity, grants, tokens minted (raw JWT claims accepted), agents spawned. Any invalid fact refuses the whole batch; nothing is appended.',
        tags: ['ingest'],
        params: tenantParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['facts'],
          properties: {
            facts: {
              type: 'array',
              minItems: 1,
              maxItems: config.maxFactsPerBatch,
              items: { type: 'object', required: ['type'], oneOf: factSchemas, discriminator: { propertyName: 'type' } },
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { accepted: { type: 'integer' }, unchanged: { type: 'integer' }, position: { type: 'integer' } },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const outcome = await ledger.ingest(request.caller(), request.body.facts);
      metrics.factsIngested.inc(outcome.accepted);
      return outcome;
    },
  );
}

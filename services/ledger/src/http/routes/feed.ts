import type { FastifyInstance } from 'fastify';
import { FEED_TYPES, toFeedMessage } from '@killswitch/enforcer';
import { SchemaRegistry } from '@killswitch/schemas';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema } from '../errors.ts';
import { digits, tenantParams } from '../schemas.ts';

/** The snapshot an enforcer bootstraps from: this tenant's feed events, as the relay publishes them. */
export function feedRoutes(app: FastifyInstance, { store }: RouteDeps): void {
  const registry = SchemaRegistry.load('events');
  app.get<{ Params: { tenant: string }; Querystring: { after?: string; limit?: string } }>(
    '/v1/tenants/:tenant/revocation-feed',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Revocation feed page (enforcer bootstrap): Avro single-object values, base64',
        tags: ['enforcers'],
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: { after: digits, limit: digits } },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const limit = Math.min(10_000, Math.max(1, Number(request.query.limit ?? 5000)));
      const head = await store.headPosition();
      const events = [];
      let next = Number(request.query.after ?? 0);
      while (events.length < limit && next < head) {
        const page = await store.readAll({ after: next, maxCount: 5000 });
        if (page.length === 0) break;
        for (const recorded of page) {
          next = recorded.position;
          if (recorded.metadata.tenant !== tenant || !FEED_TYPES.has(recorded.event.type)) continue;
          const message = toFeedMessage(registry, recorded);
          events.push({ value: message.value.toString('base64'), headers: message.headers });
          if (events.length >= limit) break;
        }
      }
      return { events, next, head, done: next >= head };
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { FEED_TYPES, toFeedMessage } from '@killswitch/enforcer';
import { SchemaRegistry } from '@killswitch/schemas';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema } from '../errors.ts';
import { digits, tenantParams } from '../schemas.ts';

/** The snapshot an enforcer bootstraps from: this tenant's feed events, as the relay publishes them. */
export function feedRoutes(app: FastifyInstance, { store, ledger }: RouteDeps): void {
  const registry = SchemaRegistry.load('events');
  app.get<{ Params: { tenant: string }; Querystring: { after?: string; limit?: string } }>(
    '/v1/tenants/:tenant/revocation-feed',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Revocation feed page (enforcer bootstrap): Avro single-object values, base64',
        description:
          "Events of the tenant's revocation feed after store position `after`, up to `limit` (default 5,000, at most 10,000). " +
          "`latest` is the position of the tenant's latest feed event and `count` the number of its feed events up to it; " +
          '`limit=0` returns only those (an enforcer following Kafka compares them with what it applied, to find events ' +
          'Kafka has not brought). `done` is true when nothing more can be read now.',
        tags: ['enforcers'],
        params: tenantParams,
        querystring: { type: 'object', additionalProperties: false, properties: { after: digits, limit: digits } },
        response: { 200: { type: 'object', additionalProperties: true }, '4xx': errorBodySchema },
      },
    },
    async (request) => {
      const { tenant } = request.params;
      const after = Number(request.query.after ?? 0);
      const limit = Math.min(10_000, Number(request.query.limit ?? 5000));
      const head = await store.headPosition();
      const { latest, count, projected } = ledger.feedPositions(tenant);
      if (limit === 0) return { events: [], next: after, head, latest, count, done: latest <= after };
      // Nothing of this tenant's feed after `after`, as far as the projections have read: no scan.
      if (latest <= after) return { events: [], next: Math.max(after, Math.min(projected, head)), head, latest, count, done: true };
      const events = [];
      let next = after;
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
      return { events, next, head, latest, count, done: next >= head };
    },
  );
}

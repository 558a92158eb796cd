import type { FastifyInstance } from 'fastify';
import { webhookDeliveries } from '@killswitch/projections';
import type { RouteDeps } from '../app.ts';
import { errorBodySchema, HttpError } from '../errors.ts';
import { id, tenantParams } from '../schemas.ts';

/** Outbound webhooks the tenant's endpoints have not accepted, and resending one on demand. */
export function webhookRoutes(app: FastifyInstance, { host, store, webhooks }: RouteDeps): void {
  const owed = (tenant: string) => [...(host.state(webhookDeliveries).tenants.get(tenant)?.values() ?? [])];

  app.get<{ Params: { tenant: string } }>(
    '/v1/tenants/:tenant/webhooks/undelivered',
    {
      config: { role: 'read' },
      schema: {
        summary: 'Webhook messages not accepted yet (retrying) or given up after the retry window (`final`), with their attempts',
        tags: ['webhooks'],
        params: tenantParams,
        response: {
          200: {
            type: 'object',
            required: ['messages'],
            properties: { messages: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
          '4xx': errorBodySchema,
        },
      },
    },
    async (request) => ({ messages: owed(request.params.tenant).sort((a, b) => a.sourcePosition - b.sourcePosition) }),
  );

  app.post<{ Params: { tenant: string; endpointId: string; webhookId: string } }>(
    '/v1/tenants/:tenant/webhooks/:endpointId/messages/:webhookId/resend',
    {
      config: { role: 'respond' },
      schema: {
        summary: 'Sends an undelivered webhook message again, now, with the same webhook-id',
        tags: ['webhooks'],
        params: {
          ...tenantParams,
          required: ['tenant', 'endpointId', 'webhookId'],
          properties: { ...tenantParams.properties, endpointId: id, webhookId: { type: 'string', pattern: '^msg_[A-Za-z0-9-]{1,64}$' } },
        },
        response: {
          200: { type: 'object', required: ['delivered'], properties: { delivered: { type: 'boolean' } } },
          '4xx': errorBodySchema,
          '5xx': errorBodySchema,
        },
      },
    },
    async (request) => {
      const { tenant, endpointId, webhookId } = request.params;
      const message = owed(tenant).find((m) => m.endpointId === endpointId && m.webhookId === webhookId);
      if (!message) throw new HttpError(404, 'ERR_UNKNOWN_WEBHOOK', 'no undelivered message with that id for that endpoint');
      if (!webhooks) throw new HttpError(503, 'ERR_WEBHOOKS_ELSEWHERE', 'webhooks are delivered by another process (KILLSWITCH_ROLE)');
      const delivered = await webhooks.resend(tenant, endpointId, message.sourcePosition);
      await host.waitFor(await store.headPosition()); // the attempt it recorded is visible in the list
      return { delivered };
    },
  );
}

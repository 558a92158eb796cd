import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../app.ts';

export function opsRoutes(app: FastifyInstance, { host, store, metrics, signingKey, ledger }: RouteDeps): void {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['ops'] } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        summary:
          'Readiness: the in-memory projections have caught up and follow live. `position`: theirs; `durable`: what the read models on disk have committed (history queries wait for it); `head`: the store’s',
        tags: ['ops'],
      },
    },
    async (_request, reply) => {
      const head = await store.headPosition();
      const ready = host.isLive;
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'starting', position: host.position, durable: ledger.deps.readModels.checkpoint, head });
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    metrics.projectionPosition.set(host.position);
    metrics.storeHead.set(await store.headPosition());
    metrics.readModelWriterHeap.set(ledger.deps.readModels.writerHeapBytes);
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The RP's own public keys: receipts sent to IdPs verify against this.
  app.get(
    '/.well-known/jwks.json',
    { schema: { summary: "The RP's public signing keys (receipts)", tags: ['ops'] } },
    async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send({ keys: signingKey ? [signingKey.publicJwk] : [] }),
  );
}

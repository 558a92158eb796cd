import './heap-growth.ts'; // first: before anything allocates
import { buildApp } from './http/app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { join, resolve } from 'node:path';
import { FileCheckpoint } from './reactors/checkpoint.ts';
import { TerminationReactor } from './reactors/termination-reactor.ts';
import { startRuntime } from './runtime.ts';

/** `npm start`: the whole ledger in one process on the embedded store. */
async function main(): Promise<void> {
  const { config, path, demo } = loadConfig();
  const logger = createLogger(config.logLevel);
  if (demo)
    logger.warn({ config: path }, 'using the demo configuration (tenant "demo", published API keys): set KILLSWITCH_CONFIG for real use');
  const started = Date.now();
  const runtime = await startRuntime(config, {
    onSsfError: (error, context) => logger.warn({ context, err: { message: (error as Error).message } }, 'SSF stream problem'),
    log: logger,
  });
  logger.info({ position: runtime.host.position, ms: Date.now() - started, dataDir: config.dataDir }, 'projections caught up');
  // Outbound webhooks (Standard Webhooks), delivered from the event store, never from a request.
  const webhooks = (process.env.KILLSWITCH_ROLE ?? 'all') === 'all' ? runtime.webhooks : undefined;
  const app = await buildApp({
    config,
    ledger: runtime.ledger,
    store: runtime.store,
    host: runtime.host,
    logger,
    idp: runtime.idp,
    signingKey: runtime.signingKey,
    ...(webhooks ? { webhooks } : {}),
  });
  // The tenant registry reloads on SIGHUP; an invalid file keeps the running configuration.
  process.on('SIGHUP', () => {
    try {
      const next = runtime.registry.reload(path);
      logger.info({ tenants: next.tenants.length }, 'configuration reloaded');
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, 'configuration reload refused; keeping the running one');
    }
  });
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info(`Killswitch ledger listening on ${address} (OpenAPI: ${address}/openapi.json)`);
  await runtime.ssf.connectAll(); // after listening: transmitters may push verification events at once
  // Role `all` (the default, one process): receipts to IdPs and agent cancellation run here too.
  // In a split deployment the relay runs them (KILLSWITCH_ROLE=api here).
  const reactor =
    (process.env.KILLSWITCH_ROLE ?? 'all') === 'all'
      ? new TerminationReactor(
          runtime.store,
          runtime.host,
          new FileCheckpoint(join(resolve(config.dataDir), 'relay', 'terminations.checkpoint.json')),
          {
            issuer: config.publicBaseUrl,
            signingKey: runtime.signingKey,
            receiptTarget: (tenant, issuer) => runtime.registry.idp(tenant, issuer)?.idp.receipts,
          },
        )
      : null;
  reactor?.start();
  webhooks?.start();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A shutdown that fails or hangs (a full disk, a data directory gone) still ends the process.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not finish in 15 s; exiting');
      process.exit(1);
    }, 15_000).unref();
    let code = 0;
    try {
      await app.close();
      await reactor?.stop();
      await runtime.close();
    } catch (error) {
      code = 1;
      logger.error({ err: { message: (error as Error).message } }, 'shutdown failed; exiting');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`killswitch: ${message}\n`);
  process.exit(1);
});

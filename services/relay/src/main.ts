import { loadConfig, signingKeyPath } from '@killswitch/ledger';
import { loadOrCreateSigningKey } from '@killswitch/protocols';
import { startRelay } from './relay.ts';
import { watchEventLoop } from './watchdog.ts';

/**
 * `npm run relay`: the relay role on its own, against the ledger's data directory and configuration
 * (KILLSWITCH_CONFIG, KILLSWITCH_DATA_DIR) and Kafka (KILLSWITCH_KAFKA_BROKERS).
 */
const { config } = loadConfig();
const brokers = (process.env.KILLSWITCH_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const signingKey = await loadOrCreateSigningKey(signingKeyPath(config.dataDir));
const relay = await startRelay({
  dataDir: config.dataDir,
  brokers,
  receipts: {
    issuer: config.publicBaseUrl,
    signingKey,
    receiptTarget: (tenant, issuer) => config.tenants.find((t) => t.id === tenant)?.idps.find((i) => i.issuer === issuer)?.receipts,
  },
  onError: (error, context) => process.stderr.write(`relay ${context}: ${(error as Error).message}\n`),
});
// A relay whose event loop stops turning (see `watchEventLoop`) ends itself, for its supervisor to restart.
const stallMs = Number(process.env.KILLSWITCH_RELAY_STALL_MS ?? 30_000);
if (stallMs > 0) watchEventLoop({ stallMs, name: 'relay' });
process.stdout.write(`relay running (data ${config.dataDir}, brokers ${brokers.join(',')})\n`);
const stop = async () => {
  await relay.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

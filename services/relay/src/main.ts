import { resolve } from 'node:path';
import { startRelay } from './relay.ts';

/** `node --import tsx services/relay/src/main.ts`: the relay role on its own (KILLSWITCH_DATA_DIR, KILLSWITCH_KAFKA_BROKERS). */
const dataDir = resolve(process.env.KILLSWITCH_DATA_DIR ?? 'data');
const brokers = (process.env.KILLSWITCH_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const relay = await startRelay({
  dataDir,
  brokers,
  onError: (error, context) => process.stderr.write(`relay ${context}: ${(error as Error).message}\n`),
});
process.stdout.write(`relay running (data ${dataDir}, brokers ${brokers.join(',')})\n`);
const stop = async () => {
  await relay.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

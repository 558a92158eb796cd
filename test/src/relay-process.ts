/** The relay in its own process, so a test can SIGKILL it mid-batch. */
import { startRelay } from '@killswitch/relay';

const relay = await startRelay({
  dataDir: process.env.RELAY_DATA_DIR as string,
  brokers: (process.env.KAFKA_BROKERS as string).split(','),
});
process.stdout.write('relay ready\n');
process.on('SIGTERM', () => void relay.stop().then(() => process.exit(0)));

/** The relay in its own process, so a test can SIGKILL it mid-batch. */
import { startRelay, watchEventLoop } from '@killswitch/relay';

const relay = await startRelay({
  dataDir: process.env.RELAY_DATA_DIR as string,
  brokers: (process.env.KAFKA_BROKERS as string).split(','),
});
if (process.env.RELAY_STALL_MS) watchEventLoop({ stallMs: Number(process.env.RELAY_STALL_MS), name: 'relay' });
process.stdout.write('relay ready\n');
process.on('SIGTERM', () => void relay.stop().then(() => process.exit(0)));

/**
 * Child process for the durability test: appends batches forever and prints `ack <n>` for
 * every batch the store acknowledged. The parent kills it with SIGKILL at random moments.
 */
import { SqliteEventStore } from './sqlite-event-store.ts';
import { activity } from '../test-events.ts';

const [path, firstArg, sizeArg] = process.argv.slice(2);
const store = new SqliteEventStore({ path: path as string });
const batchSize = Number(sizeArg);
let n = Number(firstArg);

async function run(): Promise<void> {
  for (;;) {
    // Several writers in flight at once so group commit batches them together.
    const inFlight = [n, n + 1, n + 2, n + 3].map(async (batch) => {
      const events = Array.from({ length: batchSize }, (_, i) => activity(`b${batch}`, i));
      await store.append({ streamId: `batch-${batch}`, expected: 'no_stream', events });
      process.stdout.write(`ack ${batch}\n`);
    });
    n += 4;
    await Promise.all(inFlight);
  }
}
process.stdout.write('ready\n');
void run();

/**
 * A process for the watchdog's test. `MODE=spin`: its event loop stops turning the way KafkaJS's
 * can (promises that resolve into more promises, forever). `MODE=busy`: it works hard for 2 s in
 * 50 ms stretches, but its loop turns, then it exits 0.
 */
import { watchEventLoop } from '@killswitch/relay';

watchEventLoop({ stallMs: Number(process.env.STALL_MS ?? 500), name: 'stalled-loop' });
if (process.env.MODE === 'busy') {
  let n = 0;
  const work = setInterval(() => {
    const end = Date.now() + 50;
    while (Date.now() < end) n++;
  }, 1);
  setTimeout(() => {
    clearInterval(work);
    process.stdout.write(`done ${n > 0}`);
    process.exit(0);
  }, 2000);
} else {
  setTimeout(() => {
    process.stdout.write('spinning\n');
    const spin = (): Promise<void> => Promise.resolve().then(spin);
    void spin();
  }, 200);
}

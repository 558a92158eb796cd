import { Worker } from 'node:worker_threads';

/**
 * Ends the process when its event loop stops turning for `stallMs`: a loop that never yields
 * (KafkaJS can spin on promises when its broker pool empties, tulios/kafkajs#1387) cannot be
 * recovered from inside, and no timer of its own would ever fire. A worker thread watches a
 * counter the main thread bumps on a timer; when the counter stands still, it writes one line to
 * stderr and kills the process, so its supervisor restarts it and the relay resumes from its
 * checkpoints (as after any crash).
 */
export function watchEventLoop(options: { stallMs: number; name: string }): { stop(): void } {
  const beat = new Int32Array(new SharedArrayBuffer(4));
  const tick = setInterval(() => Atomics.add(beat, 0, 1), Math.max(10, Math.min(1000, options.stallMs / 4)));
  tick.unref();
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const { writeSync } = require('node:fs');
     const beat = new Int32Array(workerData.buffer);
     let seen = Atomics.load(beat, 0);
     let since = Date.now();
     setInterval(() => {
       const now = Atomics.load(beat, 0);
       if (now !== seen) {
         seen = now;
         since = Date.now();
         return;
       }
       const stalled = Date.now() - since;
       if (stalled < workerData.stallMs) return;
       writeSync(2, workerData.name + ': event loop stalled for ' + stalled + ' ms; exiting so that the supervisor restarts it\\n');
       process.kill(process.pid, 'SIGKILL');
     }, Math.max(10, Math.min(250, workerData.stallMs / 4)));`,
    { eval: true, workerData: { buffer: beat.buffer, stallMs: options.stallMs, name: options.name } },
  );
  worker.unref();
  return {
    stop() {
      clearInterval(tick);
      void worker.terminate();
    },
  };
}

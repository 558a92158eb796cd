import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/** Terminal colour codes some tools print even in batch mode. */
const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap list of the broker `npm test` started, or null where none could be (never in CI). */
    kafkaBrokers: string | null;
  }
}

export const stripAnsi = (text: string) => text.replace(ANSI_ESCAPES, '');

const SCRIPT = fileURLToPath(new URL('../infra/kafka/kafka.sh', import.meta.url));

/** Starts the real Kafka broker the Kafka suites need, and stops it afterwards. */
export default function setup(project: TestProject): () => void {
  try {
    const brokers =
      execFileSync('bash', [SCRIPT, 'start', 'single'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
        .trim()
        .split('\n')
        .pop() ?? '';
    project.provide('kafkaBrokers', brokers);
  } catch (error) {
    // In CI a missing broker is a failure; on a laptop without Java/Maven the Kafka suites skip, loudly.
    if (process.env.CI) throw new Error(`could not start Kafka for the tests: ${(error as Error).message}`);
    process.stderr.write(
      `\n\n*** WARNING: Kafka could not be started (${(error as Error).message.split('\n')[0]}); Kafka suites are SKIPPED ***\n\n`,
    );
    project.provide('kafkaBrokers', null);
  }
  return () => {
    try {
      execFileSync('bash', [SCRIPT, 'stop', 'single'], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      /* already stopped */
    }
  };
}

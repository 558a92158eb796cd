/**
 * Long fuzz runs: `npm run fuzz -- --runs 100000 --seed 7`. `--runs` is the total number of cases,
 * spread evenly over the endpoints; the seed is printed, and a failure prints the shrunk case.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ENDPOINTS = 10;
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string', default: String(Date.now() % 2 ** 31) } },
});
const total = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(total) || total < ENDPOINTS || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--runs N (total cases, at least 10)] [--seed N]\n');
  process.exit(2);
}
const perEndpoint = Math.ceil(total / ENDPOINTS);
process.stdout.write(`fuzzing ${ENDPOINTS} endpoints × ${perEndpoint} cases, seed ${seed}\n`);
const root = fileURLToPath(new URL('../..', import.meta.url));
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(perEndpoint), FUZZ_SEED: String(seed) },
});
process.exit(result.status ?? 1);

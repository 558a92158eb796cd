/**
 * Builds `npm start`'s entry: the ledger and its read-model writer thread, each bundled by esbuild
 * into one plain JavaScript file in `services/ledger/dist/`. A process started from the bundle
 * loads one file instead of hundreds of TypeScript modules through a loader thread: it is ready in
 * about a second instead of two and a half, and holds two fewer V8 isolates (tsx's loader threads).
 *
 *   node services/ledger/build.mjs             builds
 *   node services/ledger/build.mjs --if-stale  builds only when a source is newer than the bundle
 *
 * The sources stay the truth: in-process tests and the CLI run them through tsx, and `npm start`
 * (like the tests that start the ledger as a process) rebuilds the bundle whenever a source file
 * (or the lock file) is newer than it.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'services/ledger/dist');
/** The ledger's entry; the worker keeps its name, which `threaded-read-models.ts` resolves next to it. */
const LEDGER_ENTRY = join(OUT, 'main.mjs');
const ENTRIES = {
  main: join(ROOT, 'services/ledger/src/main.ts'),
  'read-model-worker': join(ROOT, 'projections/src/durable/read-model-worker.ts'),
};
/** Everything the bundle is made of: a change to any of these makes it stale. */
const SOURCES = ['services/ledger/src', 'projections/src', 'packages', 'schemas/src', 'package-lock.json', 'services/ledger/build.mjs'];
/**
 * Left out of the bundle and loaded from node_modules: a native addon, and packages that read
 * their own files next to their code.
 */
const EXTERNAL = ['better-sqlite3', '@fastify/swagger', '@fastify/swagger-ui'];

function newestSource() {
  let newest = 0;
  const walk = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (!stat.isDirectory()) {
      newest = Math.max(newest, stat.mtimeMs);
      return;
    }
    for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'dist') walk(join(path, name));
  };
  for (const source of SOURCES) walk(join(ROOT, source));
  return newest;
}

/** Whether the bundle is missing or older than a source it is made of. */
function ledgerBuildIsStale() {
  const built = statSync(LEDGER_ENTRY, { throwIfNoEntry: false });
  return !built || built.mtimeMs < newestSource();
}

/**
 * Modules that locate files next to their source (`import.meta.url`: the Avro schemas, the
 * console's assets, the demo configuration, the projections' code fingerprint) keep pointing at
 * them from the bundle. The read-model thread's launcher is the exception: it must find the
 * bundled worker next to the bundle.
 */
const keepSourceLocations = {
  name: 'keep-source-locations',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      let contents = readFileSync(args.path, 'utf8');
      if (contents.includes('import.meta.url') && !args.path.endsWith('threaded-read-models.ts')) {
        const source = JSON.stringify(relative(OUT, args.path).split('\\').join('/'));
        contents = contents.replaceAll('import.meta.url', `new URL(${source}, import.meta.url).href`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

/** Builds the bundle; each file is written to a temporary name and renamed, so a reader never sees half of one. */
async function buildLedger() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: ENTRIES,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: OUT,
    outExtension: { '.js': '.mjs' },
    external: EXTERNAL,
    // Bundled CommonJS dependencies call `require` for Node's own modules.
    banner: { js: "import { createRequire as __ksCreateRequire } from 'node:module'; const require = __ksCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    plugins: [keepSourceLocations],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(OUT, { recursive: true });
  // The worker first: a reader of a new main.mjs always finds its matching worker.
  const files = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('main.mjs')) - Number(b.path.endsWith('main.mjs')));
  for (const file of files) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
}

const started = Date.now();
if (process.argv.includes('--if-stale')) {
  if (ledgerBuildIsStale()) {
    await buildLedger();
    process.stderr.write(`killswitch: built ${relative(process.cwd(), LEDGER_ENTRY)} in ${Date.now() - started} ms\n`);
  }
} else {
  await buildLedger();
  process.stdout.write(`built ${relative(process.cwd(), LEDGER_ENTRY)} in ${Date.now() - started} ms\n`);
}

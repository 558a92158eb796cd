/**
 * `npm run cli -- <command>`: the long jobs, against the data directory of a ledger (it may be
 * running: the embedded store is read under WAL without blocking it).
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SqliteEventStore, type RecordedEvent } from '@killswitch/event-store';
import {
  ALL_PROJECTIONS,
  blastRadius,
  DURABLE_PROJECTIONS,
  GraphHistory,
  InventoryQueries,
  ReadModelDb,
  rebuildReadModels,
  swapReadModels,
  TerminationHistory,
  type AsOf,
  type Projection,
  type RebuildProgress,
} from '@killswitch/projections';
import type { SubjectType } from '@killswitch/domain';
import { loadOrCreateSigningKey, verifyEvidence, verifySealedExport } from '@killswitch/protocols';
import type { JSONWebKeySet } from 'jose';
import { evidenceBundle, sealedExport } from './application/exports.ts';
import { loadConfig } from './config.ts';
import { readModelsPath, signingKeyPath } from './runtime.ts';

const USAGE = `usage: npm run cli -- <command> [options]

commands:
  replay        [--until <position>]            replay every in-memory projection from position 0 and print their sizes
  rebuild                                       rebuild every durable read model from position 0 into a fresh
                                              database, then swap it in atomically (progress and ETA on a terminal)
  blast-radius  --tenant T --type <user|session|device|agent|grant|token> --id ID
                [--until <position> | --as-of <epoch ms> [--clock recorded|event]]
                                              from the graph's durable history, as of any past moment
  status        --tenant T --type <session|agent|grant|token> --id ID [as-of options]
                                              was this node good then? (live, invalidated, revoked, ended, expired)
  sessions      --tenant T --id USER [as-of options]
                                              a user's sessions from the durable inventory
  termination   --tenant T --id TERMINATION [as-of options]
                                              a termination's status (what ended, propagation, receipt)
  export        --tenant T [--kind audit|events] [--format jsonl|csv] [--from <ms>] [--to <ms>] [--out FILE]
                                              the audit trail or the tenant's raw events recorded in [from, to),
                                              hash-chained and sealed with the RP's key (streamed, constant memory)
  evidence      --tenant T --id TERMINATION [--out FILE]
                                              a termination's signed evidence bundle
  verify        --file FILE [--jwks FILE|URL]   verify an export (chain, seal, signature) or an evidence bundle;
                                              names the first bad record; keys default to this ledger's own
options:
  --data-dir DIR   the ledger's data directory (default: KILLSWITCH_DATA_DIR or the configuration's)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    type: { type: 'string' },
    id: { type: 'string' },
    until: { type: 'string' },
    format: { type: 'string', default: 'jsonl' },
    out: { type: 'string' },
    file: { type: 'string' },
    kind: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    jwks: { type: 'string' },
    'data-dir': { type: 'string' },
    'as-of': { type: 'string' },
    clock: { type: 'string', default: 'recorded' },
  },
});

const dataDir = () => values['data-dir'] ?? loadConfig().config.dataDir;

function openStore(): SqliteEventStore {
  return new SqliteEventStore({ path: join(resolve(dataDir()), 'events.sqlite') });
}

/** Progress of a long job: a redrawn line with ETA on a terminal, plain lines (at most one per 2 s) when piped. */
function progressReporter(label: string): (progress: RebuildProgress) => void {
  const started = Date.now();
  let lastLine = 0;
  return ({ position, head, events }) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = events / Math.max(elapsed, 0.001);
    const eta = rate > 0 ? Math.max(0, (head - position) / rate) : 0;
    const percent = Math.min(100, Math.round((position / Math.max(head, 1)) * 100));
    const text = `${label} ${position}/${head} (${percent}%), ${Math.round(rate)} events/s, ETA ${eta.toFixed(0)} s`;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
    } else if (Date.now() - lastLine >= 2000 || position >= head) {
      lastLine = Date.now();
      process.stderr.write(`${text}\n`);
    }
  };
}

/** Replays up to `until`, feeding `projections`, with progress on a terminal. */
async function replayAll(store: SqliteEventStore, projections: readonly Projection<unknown>[], until: number) {
  const states = projections.map((p) => p.initialState());
  const head = Math.min(until, await store.headPosition());
  let after = 0;
  const started = Date.now();
  while (after < head) {
    const events = await store.readAll({ after, maxCount: 10_000 });
    if (events.length === 0) break;
    for (const event of events) {
      if (event.position > head) break;
      projections.forEach((p, i) => (states[i] = p.evolve(states[i], event)));
    }
    after = Math.min(head, (events[events.length - 1] as RecordedEvent).position);
    if (process.stderr.isTTY)
      process.stderr.write(`\rreplayed ${after}/${head} events (${Math.round((after / Math.max(head, 1)) * 100)}%)`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  return { states, head, ms: Date.now() - started };
}

const until = values.until ? Number(values.until) : Number.MAX_SAFE_INTEGER;
const need = (name: 'tenant' | 'type' | 'id' | 'file'): string => {
  const value = values[name];
  if (!value) throw new Error(`--${name} is required\n\n${USAGE}`);
  return value;
};

/** `--as-of <ms> [--clock recorded|event]`, or `--until <position>`, or now (the latest position). */
function asOfArgument(): AsOf {
  if (values['as-of'] !== undefined) {
    const at = Number(values['as-of']);
    if (!/^[0-9]{1,15}$/.test(values['as-of'])) throw new Error('--as-of takes epoch milliseconds');
    if (values.clock !== 'recorded' && values.clock !== 'event') throw new Error('--clock is recorded or event');
    return { clock: values.clock, at };
  }
  return { clock: 'position', at: until };
}

async function run(command: string | undefined): Promise<void> {
  switch (command) {
    case 'replay': {
      const store = openStore();
      const { states, head, ms } = await replayAll(store, ALL_PROJECTIONS as readonly Projection<unknown>[], until);
      console.log(
        JSON.stringify(
          {
            position: head,
            ms,
            projections: ALL_PROJECTIONS.map((p, i) => ({
              name: p.name,
              tenants: (states[i] as { tenants: Map<string, unknown> }).tenants.size,
            })),
          },
          null,
          2,
        ),
      );
      return store.close();
    }
    case 'rebuild': {
      const store = openStore();
      const target = readModelsPath(dataDir());
      const scratch = `${target}.rebuild`;
      const started = Date.now();
      const db = await rebuildReadModels(store, scratch, DURABLE_PROJECTIONS, progressReporter('rebuilt'));
      const position = db.checkpoint;
      db.close();
      await store.close();
      if (process.stderr.isTTY) process.stderr.write('\n');
      // A running ledger keeps answering from the database it has open; it resumes from the new one's checkpoint at its next start.
      swapReadModels(scratch, target);
      const seconds = (Date.now() - started) / 1000;
      console.log(JSON.stringify({ rebuilt: DURABLE_PROJECTIONS.map((p) => p.name), position, seconds }));
      return;
    }
    case 'blast-radius':
    case 'status': {
      const readModels = new ReadModelDb(readModelsPath(dataDir()));
      const history = new GraphHistory(readModels.db);
      const tenant = need('tenant');
      const subject = { type: need('type').toUpperCase() as SubjectType, id: need('id') };
      const asOf = asOfArgument();
      const users = history.usersOf(tenant, subject);
      const radius =
        users.length > 0
          ? blastRadius(history.graphAsOf(tenant, users, asOf), subject, asOf.clock === 'position' ? Date.now() : asOf.at)
          : null;
      if (command === 'status')
        console.log(
          JSON.stringify({ asOf, known: radius !== null, state: radius?.subject.state ?? null, active: radius?.subject.state === 'live' }),
        );
      else console.log(JSON.stringify({ asOf, radius }, null, 2));
      return readModels.close();
    }
    case 'sessions': {
      const readModels = new ReadModelDb(readModelsPath(dataDir()));
      const sessions = new InventoryQueries(readModels.db).sessionsAsOf(need('tenant'), need('id'), asOfArgument());
      console.log(JSON.stringify({ asOf: asOfArgument(), sessions }, null, 2));
      return readModels.close();
    }
    case 'termination': {
      const readModels = new ReadModelDb(readModelsPath(dataDir()));
      const termination = new TerminationHistory(readModels.db).statusAsOf(need('tenant'), need('id'), asOfArgument());
      console.log(JSON.stringify({ asOf: asOfArgument(), termination: termination ?? null }, null, 2));
      if (!termination) process.exitCode = 3;
      return readModels.close();
    }
    case 'export': {
      const kind = values.kind ?? 'audit';
      const format = values.format;
      if (kind !== 'audit' && kind !== 'events') throw new Error('--kind is audit or events');
      if (format !== 'jsonl' && format !== 'csv') throw new Error('--format is jsonl or csv');
      const from = epochOption('from');
      const to = epochOption('to');
      const store = openStore();
      const readModels = kind === 'audit' ? openReadModels() : undefined;
      const signingKey = await loadOrCreateSigningKey(signingKeyPath(dataDir()));
      const sources = { store, signingKey, now: Date.now, ...(readModels ? { terminations: new TerminationHistory(readModels.db) } : {}) };
      const out = values.out ? createWriteStream(values.out) : process.stdout;
      const request = {
        kind,
        tenant: need('tenant'),
        format,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      } as const;
      await pipeline(Readable.from(sealedExport(sources, request)), out, { end: out !== process.stdout });
      process.stderr.write(`exported the ${kind} of ${request.tenant} to ${values.out ?? 'stdout'}, sealed with key ${signingKey.kid}\n`);
      readModels?.close();
      return store.close();
    }
    case 'evidence': {
      const store = openStore();
      const readModels = openReadModels();
      const signingKey = await loadOrCreateSigningKey(signingKeyPath(dataDir()));
      const sources = { store, signingKey, now: Date.now, terminations: new TerminationHistory(readModels.db) };
      const bundle = await evidenceBundle(sources, need('tenant'), need('id'));
      if (bundle === undefined) {
        process.stderr.write('no such termination\n');
        process.exitCode = 3;
      } else if (values.out) writeFileSync(values.out, bundle);
      else process.stdout.write(bundle);
      readModels.close();
      return store.close();
    }
    case 'verify': {
      const jwks = await trustedKeys();
      const file = need('file');
      const result = (await startsWithEvidence(file))
        ? await verifyEvidence(readFileSync(file, 'utf8'), jwks)
        : await verifySealedExport(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), jwks);
      console.log(JSON.stringify(result));
      if (!result.ok) process.exitCode = 1;
      return;
    }
    default:
      console.log(USAGE);
      if (command !== undefined && command !== 'help') process.exitCode = 2;
  }
}

/** The ledger's durable read models, which must exist (the ledger, or `rebuild`, makes them). */
function openReadModels(): ReadModelDb {
  const path = readModelsPath(dataDir());
  const readModels = existsSync(path) ? new ReadModelDb(path) : null;
  const ready = readModels?.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entries'").get();
  if (!readModels || !ready) {
    readModels?.close();
    throw new Error(`no durable read models in ${dataDir()}: start the ledger on it once, or run \`npm run cli -- rebuild\``);
  }
  return readModels;
}

function epochOption(name: 'from' | 'to'): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value)) throw new Error(`--${name} takes epoch milliseconds`);
  return Number(value);
}

/** The keys a seal may be signed with: `--jwks` (a file or an https URL), else this ledger's own public key. */
async function trustedKeys(): Promise<JSONWebKeySet> {
  const source = values.jwks;
  if (!source) return { keys: [(await loadOrCreateSigningKey(signingKeyPath(dataDir()))).publicJwk] };
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`${source} answered ${response.status}`);
    return (await response.json()) as JSONWebKeySet;
  }
  return JSON.parse(readFileSync(source, 'utf8')) as JSONWebKeySet;
}

/** An evidence bundle is one JSON object whose first member is `evidence`. */
async function startsWithEvidence(file: string): Promise<boolean> {
  for await (const line of createInterface({ input: createReadStream(file, { end: 256 }) })) {
    if (line.trim() === '') continue;
    return /^\{\s*("evidence"|$)/.test(line.trim());
  }
  return false;
}

run(positionals[0]).catch((error: unknown) => {
  process.stderr.write(`killswitch: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

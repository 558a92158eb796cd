/**
 * How far V8 lets the JavaScript heap grow past what survived the last full collection before it
 * collects again. Left to itself, V8 picks a factor of up to 4 when collections are fast, so after
 * an ingest's burst of short-lived request bodies and events a ledger holding 100 MB of state sat
 * at 250 MB of committed heap, and kept it while idle (`npm run bench -- scale`: RSS after the
 * ingest 525 MB at 1M events; with 50%, 381 MB, ingest speed unchanged). The ledger's state is
 * long-lived and its garbage short-lived, so a tighter factor costs few extra collections.
 *
 * Imported first by the entry, before anything allocates. An operator's own
 * `--heap-growing-percent` (command line or NODE_OPTIONS) wins.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

const FLAG = '--heap-growing-percent';
const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
  (arg) => arg.startsWith(FLAG) || arg.startsWith('--heap_growing_percent'),
);
if (!given) setFlagsFromString(`${FLAG}=${HEAP_GROWING_PERCENT}`);

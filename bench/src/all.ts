import { benchChecks } from './checks.ts';
import { benchExport } from './export.ts';
import { benchIdpLoad } from './idp-load.ts';
import { benchPeers } from './peers.ts';
import { benchSdk } from './sdk.ts';
import { benchGlobalRevocation } from './global-revocation.ts';
import { benchHttpCheck } from './http-check.ts';
import { benchHistory } from './history.ts';
import { benchIngest } from './ingest.ts';
import { benchPropagation } from './propagation.ts';
import { benchScale } from './scale.ts';

/** `npm run bench`: every figure the ledger core promises, measured on this machine. */
const only = process.argv[2];
console.log(`Killswitch benchmarks — node ${process.version}, ${new Date().toISOString()}`);
// Checks first: its memory per token is measured against a heap nothing else has used yet (run
// after the ingest bench, the memory that bench's ledger gave back made the figure look smaller).
if (!only || only === 'checks') benchChecks();
if (!only || only === 'ingest') await benchIngest();
if (!only || only === 'sdk') await benchSdk();
if (!only || only === 'global-revocation') await benchGlobalRevocation();
if (!only || only === 'http') await benchHttpCheck();
if (!only || only === 'propagation') await benchPropagation();
if (!only || only === 'peers') await benchPeers();
if (!only || only === 'idp-load') await benchIdpLoad();
if (only === 'export') {
  const flag = process.argv.indexOf('--events');
  await benchExport(flag > 0 ? Number(process.argv[flag + 1]) : 1_000_000);
}
if (only === 'history') {
  const flag = process.argv.indexOf('--sessions');
  benchHistory(flag > 0 ? Number(process.argv[flag + 1]) : 1_000_000);
}
// Not part of the default run: it ingests millions of events (`npm run bench -- scale --events 1000000`).
if (only === 'scale') {
  const flag = process.argv.indexOf('--events');
  await benchScale(flag > 0 ? Number(process.argv[flag + 1]) : 10_000_000);
}

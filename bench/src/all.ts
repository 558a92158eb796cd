import { benchChecks } from './checks.ts';
import { benchGlobalRevocation } from './global-revocation.ts';
import { benchHttpCheck } from './http-check.ts';
import { benchIngest } from './ingest.ts';
import { benchPropagation } from './propagation.ts';

/** `npm run bench`: every figure the ledger core promises, measured on this machine. */
const only = process.argv[2];
console.log(`Killswitch benchmarks — node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'ingest') await benchIngest();
if (!only || only === 'checks') benchChecks();
if (!only || only === 'global-revocation') await benchGlobalRevocation();
if (!only || only === 'http') await benchHttpCheck();
if (!only || only === 'propagation') await benchPropagation();

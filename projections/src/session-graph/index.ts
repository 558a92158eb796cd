export { TenantGraph } from './tenant-graph.ts';
export { sessionGraph, type SessionGraphState } from './projection.ts';
export { blastRadius, type BlastRadius } from './blast-radius.ts';

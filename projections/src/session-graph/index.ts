export { TenantGraph } from './tenant-graph.ts';
export { sessionGraph, type SessionGraphState } from './projection.ts';
export { blastRadius, stateOf, type BlastRadius, type NodeState } from './blast-radius.ts';
export { durableSessionGraph, GraphHistory } from './durable.ts';

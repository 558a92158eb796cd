export * from './projection.ts';
export * from './host.ts';
export * from './hot/snapshot.ts';
export * from './durable/read-model-db.ts';
export * from './durable/rebuild.ts';
export * from './durable/threaded-read-models.ts';
export { DURABLE_PROJECTIONS } from './durable/registry.ts';
export * from './revocation-status/index.ts';
export * from './session-graph/index.ts';
export * from './session-inventory/index.ts';
export * from './termination-status/index.ts';
export * from './audit-trail/index.ts';
export * from './accounts/index.ts';
export * from './webhooks/index.ts';

import { accounts } from './accounts/projection.ts';
import { revocationStatus } from './revocation-status/projection.ts';
import { sessionGraph } from './session-graph/projection.ts';
import { terminationStatus } from './termination-status/projection.ts';
import { webhookDeliveries } from './webhooks/projection.ts';

/**
 * Every in-memory read model the ledger maintains, in the order they are fed. The audit trail is
 * not among them: it lives on disk (`durableTerminations`); `auditTrail` replays it for the CLI.
 */
export const ALL_PROJECTIONS = [revocationStatus, sessionGraph, terminationStatus, accounts, webhookDeliveries] as const;

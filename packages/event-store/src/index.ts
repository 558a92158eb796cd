export * from './types.ts';
export { catchUpSubscription } from './catch-up.ts';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.ts';
export type { EventRow } from './sqlite/rows.ts';
// EventStoreDB's client (gRPC and all) is loaded only where it is used: `@killswitch/event-store/eventstoredb`.
export type { EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store.ts';

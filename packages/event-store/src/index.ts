export * from './types.ts';
export { catchUpSubscription } from './catch-up.ts';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store.ts';
export type { EventRow } from './sqlite/rows.ts';
export { EventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store.ts';

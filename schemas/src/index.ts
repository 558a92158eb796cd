export { SchemaRegistry, UnknownSchemaError, canonicalFingerprint, type SchemaVersion } from './registry.ts';
export { rabinFingerprint } from './fingerprint.ts';
export { encodeSingleObject, decodeSingleObject, NotSingleObjectError } from './single-object.ts';
export * from './generated/events.ts';
export { EVENT_TYPES, type EventType, type EventData, type DomainEvent } from './events.ts';

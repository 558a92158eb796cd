import type { SchemaRegistry } from '@killswitch/schemas';
import type { DomainEvent } from '@killswitch/schemas';
import type { EventMetadata, RecordedEvent } from '../types.ts';

export interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  schema_fp: string;
  data: Buffer;
  metadata: string;
  recorded_at: number;
}

/**
 * The events of one append carry the same metadata text, and are read one after another: the text
 * is parsed once for the run, and the events share the (frozen, as `EventMetadata` is read-only)
 * object. A batch of 1,000 facts parsed it 1,000 times in every reader (projections, the read-model
 * writer, a rebuild).
 */
let lastMetadataText: string | null = null;
let lastMetadata: EventMetadata | null = null;
function metadataOf(text: string): EventMetadata {
  if (text !== lastMetadataText || lastMetadata === null) {
    lastMetadata = Object.freeze(JSON.parse(text) as EventMetadata);
    lastMetadataText = text;
  }
  return lastMetadata;
}

/** A row's columns in the order `RawEventRow` holds them: reads of many rows take arrays, cheaper to make than objects. */
export const EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, schema_fp, data, metadata, recorded_at';

export type RawEventRow = [
  position: number,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  schemaFingerprint: string,
  data: Buffer,
  metadata: string,
  recordedAt: number,
];

/** Decodes a row with its writer schema, resolved to the current version of the event. */
export function toRecordedEvent(registry: SchemaRegistry, row: EventRow): RecordedEvent {
  return decoded(registry, row.position, row.stream_id, row.revision, row.event_id, row.schema_fp, row.data, row.metadata, row.recorded_at);
}

/** `toRecordedEvent` for a row read as an array (`EVENT_COLUMNS`). */
export function rawToRecordedEvent(registry: SchemaRegistry, row: RawEventRow): RecordedEvent {
  return decoded(registry, row[0], row[1], row[2], row[3], row[5], row[6], row[7], row[8]);
}

function decoded(
  registry: SchemaRegistry,
  position: number,
  streamId: string,
  revision: number,
  id: string,
  schemaFingerprint: string,
  data: Buffer,
  metadata: string,
  recordedAt: number,
): RecordedEvent {
  const { name, value } = registry.decode(schemaFingerprint, data);
  return {
    streamId,
    revision,
    position,
    id,
    event: { type: name, data: value } as DomainEvent,
    metadata: metadataOf(metadata),
    recordedAt,
    schemaFingerprint,
  };
}

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

/** Decodes a row with its writer schema, resolved to the current version of the event. */
export function toRecordedEvent(registry: SchemaRegistry, row: EventRow): RecordedEvent {
  const { name, value } = registry.decode(row.schema_fp, row.data);
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    id: row.event_id,
    event: { type: name, data: value } as DomainEvent,
    metadata: metadataOf(row.metadata),
    recordedAt: row.recorded_at,
    schemaFingerprint: row.schema_fp,
  };
}

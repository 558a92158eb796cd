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

/** Decodes a row with its writer schema, resolved to the current version of the event. */
export function toRecordedEvent(registry: SchemaRegistry, row: EventRow): RecordedEvent {
  const { name, value } = registry.decode(row.schema_fp, row.data);
  return {
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    id: row.event_id,
    event: { type: name, data: value } as DomainEvent,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: row.recorded_at,
    schemaFingerprint: row.schema_fp,
  };
}

import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SchemaRegistry } from '@killswitch/schemas';
import { revisionMatches, WrongExpectedVersion, type AppendRequest, type AppendResult } from '../types.ts';
import type { EventRow } from './rows.ts';

type Outcome = AppendResult | WrongExpectedVersion;

interface EncodedEvent {
  id: string;
  type: string;
  fingerprint: string;
  body: Buffer;
  metadata: string;
}

interface Pending {
  requests: Array<{ request: AppendRequest; encoded: EncodedEvent[] }>;
  resolve: (outcomes: Outcome[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: every append queued during one turn of the event loop is written in a single
 * transaction (one fsync), then each caller is answered. Expected revisions are checked inside
 * the transaction, request by request, so a conflict rejects only its own request.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly insert: Database.Statement;
  private readonly revisionOf: Database.Statement;
  private readonly upsertStream: Database.Statement;
  private readonly head: Database.Statement;
  private readonly commit: (batch: Pending[]) => Outcome[][];
  /** The rows the transaction being written has inserted, as a read would return them. */
  private written: EventRow[] = [];
  private lastMetadata: AppendRequest['events'][number]['metadata'] | undefined;
  private lastMetadataText = '';

  constructor(
    db: Database.Database,
    private readonly registry: SchemaRegistry,
    private readonly now: () => number,
    /** After each durable commit: the new head and the rows it wrote, in position order. */
    private readonly onCommitted: (head: number, rows: readonly EventRow[]) => void,
  ) {
    this.insert = db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, schema_fp, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.revisionOf = db.prepare('SELECT revision FROM streams WHERE stream_id = ?').pluck();
    this.upsertStream = db.prepare(
      'INSERT INTO streams (stream_id, revision) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision',
    );
    this.head = db.prepare('SELECT coalesce(max(position), 0) FROM events').pluck();
    this.commit = db.transaction((batch: Pending[]) => this.writeBatch(batch)).immediate as (batch: Pending[]) => Outcome[][];
  }

  enqueue(requests: readonly AppendRequest[]): Promise<Outcome[]> {
    // Encode before queueing: a value that does not match its schema fails its caller alone.
    this.lastMetadata = undefined;
    const encoded = requests.map((request) => ({ request, encoded: request.events.map((e) => this.encode(e)) }));
    return new Promise((resolve, reject) => {
      this.queue.push({ requests: encoded, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private encode(toAppend: AppendRequest['events'][number]): EncodedEvent {
    const { fingerprint, body } = this.registry.encode(toAppend.event.type, toAppend.event.data);
    return {
      id: toAppend.id ?? randomUUID(),
      type: toAppend.event.type,
      fingerprint,
      body,
      metadata: this.metadataText(toAppend.metadata),
    };
  }

  /**
   * The events of one append share one metadata object: it is written as JSON once per append (the
   * memo lasts one synchronous `enqueue`, so nothing can change the object in between), not once
   * per event.
   */
  private metadataText(metadata: AppendRequest['events'][number]['metadata']): string {
    if (metadata !== this.lastMetadata) {
      this.lastMetadata = metadata;
      this.lastMetadataText = JSON.stringify(metadata);
    }
    return this.lastMetadataText;
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    let outcomes: Outcome[][];
    this.written = [];
    try {
      outcomes = this.commit(batch);
    } catch (error) {
      this.written = []; // rolled back: none of them exists
      for (const pending of batch) pending.reject(error);
      return;
    }
    const rows = this.written;
    this.written = [];
    this.onCommitted(Number(this.head.get()), rows);
    batch.forEach((pending, i) => pending.resolve(outcomes[i] as Outcome[]));
  }

  private writeBatch(batch: Pending[]): Outcome[][] {
    const recordedAt = this.now();
    return batch.map((pending) => pending.requests.map(({ request, encoded }) => this.writeOne(request, encoded, recordedAt)));
  }

  private writeOne(request: AppendRequest, encoded: EncodedEvent[], recordedAt: number): Outcome {
    const current = this.revisionOf.get(request.streamId) as number | undefined;
    const actual = current ?? -1;
    if (!revisionMatches(request.expected, actual)) return new WrongExpectedVersion(request.streamId, request.expected, actual);
    if (encoded.length === 0) return { nextExpectedRevision: actual, position: Number(this.head.get()) };
    let revision = actual;
    let position = 0;
    for (const e of encoded) {
      revision += 1;
      const info = this.insert.run(request.streamId, revision, e.id, e.type, e.fingerprint, e.body, e.metadata, recordedAt);
      position = Number(info.lastInsertRowid);
      this.written.push({
        position,
        stream_id: request.streamId,
        revision,
        event_id: e.id,
        type: e.type,
        schema_fp: e.fingerprint,
        data: e.body,
        metadata: e.metadata,
        recorded_at: recordedAt,
      });
    }
    this.upsertStream.run(request.streamId, revision);
    return { nextExpectedRevision: revision, position };
  }
}

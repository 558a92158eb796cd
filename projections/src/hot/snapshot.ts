import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultDeserializer, serialize } from 'node:v8';
import type { EventStore } from '@killswitch/event-store';
import type { ProjectionHost } from '../host.ts';

/**
 * The hot state of every in-memory projection at one store position, on disk, so a restart
 * loads it and replays only the tail. The file is a small JSON header line, then the states in
 * V8's structured-clone format (maps, sets, typed arrays and shared references survive; class
 * instances come back as plain objects and each projection's `revive` restores them).
 *
 * A snapshot is only used when it is provably the state of the store it is loaded against: same
 * format, same projection code (a fingerprint of its source), and the store still holds the same
 * event at the snapshot's position. Anything else is ignored, and the projections replay from 0.
 */
export interface SnapshotHeader {
  readonly format: typeof FORMAT;
  readonly code: string;
  readonly projections: readonly string[];
  /** The last event applied, by position and id. */
  readonly position: number;
  readonly eventId: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface LoadedSnapshot {
  readonly header: SnapshotHeader;
  readonly states: readonly unknown[];
}

const FORMAT = 'killswitch-hot-snapshot/1';

/** A fingerprint of the projections' source: a snapshot taken by different code is never loaded. */
export const PROJECTION_CODE = (() => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'durable') walk(path); // the durable read models keep their own checkpoints
      } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) hash.update(name).update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex').slice(0, 32);
})();

/** Writes the states atomically (temporary file, fsync, rename, fsync of the directory). */
export async function writeSnapshot(
  path: string,
  at: { position: number; eventId: string },
  projections: readonly string[],
  states: readonly unknown[],
): Promise<SnapshotHeader> {
  // Serialized synchronously: the states are exactly those of `at` (evolve never runs meanwhile).
  const body = serialize(states);
  const header: SnapshotHeader = {
    format: FORMAT,
    code: PROJECTION_CODE,
    projections,
    position: at.position,
    eventId: at.eventId,
    bytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.write(`${JSON.stringify(header)}\n`);
    await file.write(body);
    await file.sync();
  } finally {
    await file.close();
  }
  renameSync(temporary, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return header;
}

const readTypedArray = (DefaultDeserializer.prototype as unknown as { _readHostObject(this: DefaultDeserializer): unknown })
  ._readHostObject;

/**
 * V8's deserializer as Node sets it up, except that typed arrays are copied out of the file's
 * buffer. Node's own returns views onto that buffer, and a single view left in a state (a column
 * never grown since) would keep the whole file, hundreds of megabytes at scale, in memory for the
 * life of the process.
 */
class CopyingDeserializer extends DefaultDeserializer {
  _readHostObject(): unknown {
    const view = readTypedArray.call(this);
    if (!ArrayBuffer.isView(view) || view instanceof DataView) return view;
    const Copy = view.constructor as new (length: number) => Uint8Array;
    const copy = new Copy(view.byteLength / (view as Uint8Array).BYTES_PER_ELEMENT);
    copy.set(view as Uint8Array);
    return copy;
  }
}

function deserialize(body: Buffer): unknown {
  const deserializer = new CopyingDeserializer(body);
  deserializer.readHeader();
  return deserializer.readValue();
}

/** Why a snapshot on disk cannot be used (for the log), or the snapshot. */
export function readSnapshot(path: string, projections: readonly string[]): LoadedSnapshot | { unusable: string } | null {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { unusable: `unreadable: ${(error as Error).message}` };
  }
  const newline = file.indexOf(0x0a);
  if (newline < 0) return { unusable: 'no header' };
  let header: SnapshotHeader;
  try {
    header = JSON.parse(file.subarray(0, newline).toString('utf8')) as SnapshotHeader;
  } catch {
    return { unusable: 'corrupt header' };
  }
  if (header.format !== FORMAT) return { unusable: `format ${String(header.format)}` };
  if (header.code !== PROJECTION_CODE) return { unusable: 'taken by other projection code' };
  if (JSON.stringify(header.projections) !== JSON.stringify(projections)) return { unusable: 'other projections' };
  const body = file.subarray(newline + 1);
  if (body.length !== header.bytes || createHash('sha256').update(body).digest('hex') !== header.sha256)
    return { unusable: 'truncated or altered body' };
  try {
    return { header, states: deserialize(body) as unknown[] };
  } catch (error) {
    return { unusable: `undecodable: ${(error as Error).message}` };
  }
}

export interface SnapshotLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  /** Writes buffered lines out now (a replay keeps the event loop, and a buffered logger's timer, busy). */
  flush?(): void;
}

/**
 * Keeps the hot snapshot of a projection host: loads it before the host starts (checked against
 * the store), writes a new one every `everyEvents` applied events (0: only on close) and on close.
 * Writing serializes on the event loop (the state must not move meanwhile), so it is spaced out.
 */
export class HotSnapshots {
  private saved = 0;
  /** The position the host was restored from at start (0: replayed from the beginning). */
  restoredFrom = 0;
  private saving: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly host: ProjectionHost,
    private readonly store: EventStore,
    readonly path: string,
    private readonly everyEvents: number,
    private readonly log: SnapshotLog,
  ) {}

  /** Restores the host from the snapshot on disk when it is usable; returns the position restored (0: none). */
  async load(): Promise<number> {
    const started = Date.now();
    const snapshot = readSnapshot(this.path, this.host.names);
    if (snapshot === null) return 0;
    if ('unusable' in snapshot) {
      this.log.warn({ path: this.path, reason: snapshot.unusable }, 'hot snapshot ignored; replaying from position 0');
      this.log.flush?.();
      return 0;
    }
    const { position, eventId } = snapshot.header;
    const [event] = position > 0 ? await this.store.readAll({ after: position - 1, maxCount: 1 }) : [];
    if (position > 0 && (event?.position !== position || event.id !== eventId)) {
      this.log.warn({ path: this.path, position }, 'hot snapshot is not of this event store; replaying from position 0');
      this.log.flush?.();
      return 0;
    }
    this.host.restore(snapshot.states, { position, eventId });
    this.saved = position;
    this.restoredFrom = position;
    this.log.info({ position, bytes: snapshot.header.bytes, ms: Date.now() - started }, 'hot snapshot loaded');
    return position;
  }

  /** Follows the host: a snapshot every `everyEvents` events. */
  follow(): void {
    if (this.everyEvents <= 0) return;
    this.host.onApplied((position) => {
      if (position - this.saved >= this.everyEvents && !this.saving && !this.closed) setImmediate(() => void this.save());
    });
  }

  /** Writes a snapshot of the states as they are now (unless one is being written, or nothing changed). */
  async save(): Promise<void> {
    if (this.saving) return this.saving;
    const captured = this.host.capture();
    if (captured.position <= this.saved || captured.position === 0) return;
    const started = Date.now();
    this.saving = writeSnapshot(this.path, captured, this.host.names, captured.states)
      .then((header) => {
        this.saved = header.position;
        this.log.info({ position: header.position, bytes: header.bytes, ms: Date.now() - started }, 'hot snapshot written');
      })
      .catch((error: unknown) => this.log.warn({ err: { message: (error as Error).message } }, 'hot snapshot not written'))
      .finally(() => (this.saving = null));
    return this.saving;
  }

  /** The last snapshot, of the final state: the next start replays nothing. */
  async close(): Promise<void> {
    this.closed = true;
    await this.saving;
    await this.save();
  }
}

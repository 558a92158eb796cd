import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { EventStore } from '@killswitch/event-store';
import type { ProjectionHost } from '../host.ts';

/**
 * The hot state of every in-memory projection at one store position, on disk, so a restart
 * loads it and replays only the tail. The file is a small JSON header line, then the states in
 * V8's structured-clone format (maps, sets and shared references survive; class instances come
 * back as plain objects and each projection's `revive` restores them), then the states' typed
 * arrays as raw bytes (`ColumnSerializer`).
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
  /** Length of the body (V8's serialization of the states, typed arrays left out). */
  readonly bytes: number;
  /** The typed arrays after the body, in order: type and length in bytes. */
  readonly arrays: ReadonlyArray<readonly [ArrayType, number]>;
  /** CRC-32 of the layout (`bytes`, `arrays`), the body and the arrays: catches a torn or damaged file (the data directory is trusted, as the store is). */
  readonly crc32: number;
}

export interface LoadedSnapshot {
  readonly header: SnapshotHeader;
  readonly states: readonly unknown[];
}

const FORMAT = 'killswitch-hot-snapshot/2';

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

/**
 * The constructors a snapshot's arrays come back as, by name. Anything else that is an
 * `ArrayBufferView` is refused at write time rather than restored as something else.
 */
const ARRAY_TYPES = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
} as const;
type ArrayType = keyof typeof ARRAY_TYPES;

/**
 * V8's serializer for everything but typed arrays, which it leaves in a list (an index in the
 * body refers to each): they go to the file as they are in memory, after the body, and are read
 * back straight into new arrays. So neither a write nor a load builds a copy of the whole state in
 * one buffer (the columns are most of it: ~120 MB at 1M live tokens), and no loaded array can be a
 * view onto the file's bytes.
 */
class ColumnSerializer extends DefaultSerializer {
  readonly arrays: ArrayBufferView[] = [];

  _writeHostObject(view: unknown): void {
    const type = (view as object).constructor?.name as ArrayType;
    if (!ArrayBuffer.isView(view) || ARRAY_TYPES[type] !== view.constructor)
      throw new Error(`a snapshot holds no ${String(type)}: only typed arrays`);
    this.writeUint32(this.arrays.length);
    this.arrays.push(view);
  }
}

class ColumnDeserializer extends DefaultDeserializer {
  constructor(
    body: Buffer,
    private readonly arrays: readonly ArrayBufferView[],
  ) {
    super(body);
  }

  _readHostObject(): unknown {
    const array = this.arrays[this.readUint32()];
    if (!array) throw new Error('an array the snapshot does not hold');
    return array;
  }
}

/** Where the body ends and each array begins: covered by the checksum, so moved boundaries are caught. */
const layout = (bytes: number, arrays: SnapshotHeader['arrays']) => JSON.stringify([bytes, arrays]);

const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

/** Writes the states atomically (temporary file, fsync, rename, fsync of the directory). */
export async function writeSnapshot(
  path: string,
  at: { position: number; eventId: string },
  projections: readonly string[],
  states: readonly unknown[],
): Promise<SnapshotHeader> {
  // Serialized and written synchronously: the states (their columns included, which later events
  // change in place) are exactly those of `at`; evolve never runs meanwhile. Only the fsync waits.
  const serializer = new ColumnSerializer();
  serializer.writeHeader();
  serializer.writeValue(states);
  const body = serializer.releaseBuffer();
  const arrays = serializer.arrays.map((array): [ArrayType, number] => [array.constructor.name as ArrayType, array.byteLength]);
  let checksum = crc32(body, crc32(layout(body.length, arrays)));
  for (const array of serializer.arrays) checksum = crc32(bytesOf(array), checksum);
  const header: SnapshotHeader = {
    format: FORMAT,
    code: PROJECTION_CODE,
    projections,
    position: at.position,
    eventId: at.eventId,
    bytes: body.length,
    arrays,
    crc32: checksum,
  };
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeFully(fd, Buffer.from(`${JSON.stringify(header)}\n`));
    writeFully(fd, body);
    for (const array of serializer.arrays) writeFully(fd, bytesOf(array));
    await new Promise<void>((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
  } finally {
    closeSync(fd);
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

function writeFully(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done);
}

/** Reads exactly `into.byteLength` bytes at `position`; false at the end of the file. */
function readFully(fd: number, into: ArrayBufferView, position: number): boolean {
  const bytes = bytesOf(into);
  for (let done = 0; done < bytes.byteLength;) {
    const read = readSync(fd, bytes, done, bytes.byteLength - done, position + done);
    if (read === 0) return false;
    done += read;
  }
  return true;
}

/** The header line: at most this long. */
const MAX_HEADER_BYTES = 1 << 20;

/** Why a snapshot on disk cannot be used (for the log), or the snapshot. */
export function readSnapshot(path: string, projections: readonly string[]): LoadedSnapshot | { unusable: string } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { unusable: `unreadable: ${(error as Error).message}` };
  }
  try {
    return readOpenSnapshot(fd, projections);
  } catch (error) {
    return { unusable: `unreadable: ${(error as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

function readOpenSnapshot(fd: number, projections: readonly string[]): LoadedSnapshot | { unusable: string } {
  const start = Buffer.alloc(Math.min(MAX_HEADER_BYTES, fstatSync(fd).size));
  readFully(fd, start, 0);
  const newline = start.indexOf(0x0a);
  if (newline < 0) return { unusable: 'no header' };
  let header: SnapshotHeader;
  try {
    header = JSON.parse(start.subarray(0, newline).toString('utf8')) as SnapshotHeader;
  } catch {
    return { unusable: 'corrupt header' };
  }
  if (header.format !== FORMAT) return { unusable: `format ${String(header.format)}` };
  if (header.code !== PROJECTION_CODE) return { unusable: 'taken by other projection code' };
  if (JSON.stringify(header.projections) !== JSON.stringify(projections)) return { unusable: 'other projections' };
  const known = (entry: unknown): entry is [ArrayType, number] =>
    Array.isArray(entry) &&
    Object.hasOwn(ARRAY_TYPES, entry[0] as string) &&
    Number.isSafeInteger(entry[1]) &&
    (entry[1] as number) >= 0 &&
    (entry[1] as number) % ARRAY_TYPES[entry[0] as ArrayType].BYTES_PER_ELEMENT === 0;
  if (!Number.isSafeInteger(header.bytes) || header.bytes < 0 || !Array.isArray(header.arrays) || !header.arrays.every(known))
    return { unusable: 'corrupt header' };
  const size = header.arrays.reduce((n, [, bytes]) => n + bytes, newline + 1 + header.bytes);
  if (size !== fstatSync(fd).size) return { unusable: 'truncated or altered body' };
  const body = Buffer.allocUnsafeSlow(header.bytes);
  let offset = newline + 1;
  readFully(fd, body, offset);
  offset += body.length;
  let checksum = crc32(body, crc32(layout(header.bytes, header.arrays)));
  const arrays = header.arrays.map(([type, bytes]) => {
    const Type = ARRAY_TYPES[type];
    const array = new Type(bytes / Type.BYTES_PER_ELEMENT);
    readFully(fd, array, offset);
    offset += bytes;
    checksum = crc32(bytesOf(array), checksum);
    return array;
  });
  if (checksum !== header.crc32) return { unusable: 'truncated or altered body' };
  try {
    const deserializer = new ColumnDeserializer(body, arrays);
    deserializer.readHeader();
    return { header, states: deserializer.readValue() as unknown[] };
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

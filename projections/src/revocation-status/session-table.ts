import { grown } from '../hot/interned-ids.ts';
import type { TokenTable } from '../hot/token-table.ts';
import type { DenseIds } from './dense.ts';
import type { IndexedSession, TokenOrigin } from './state.ts';

/**
 * The sessions in the revocation index, as columns by their dense id (the one their origin holds
 * for its lineage's first session, themselves): its origin in the token table, start, expiry and
 * whether it has ended. About 21 bytes a session where a map entry, an object and its boxed times
 * took ~150. Read back as `IndexedSession`s, made on each read.
 */
export class SessionTable {
  private origin = new Int32Array(1024).fill(-1);
  private startedAt = new Float64Array(1024);
  /** NaN: never expires. */
  private expiresAt = new Float64Array(1024);
  private ended = new Uint8Array(1024);
  private count = 0;

  constructor(
    private ids: DenseIds,
    private tokens: TokenTable<TokenOrigin>,
  ) {}

  /** A table back from a hot snapshot's structured clone, over the index's revived dense ids and tokens. */
  static revive(data: unknown, ids: DenseIds, tokens: TokenTable<TokenOrigin>): SessionTable {
    return Object.assign(new SessionTable(ids, tokens), data, { ids, tokens });
  }

  get size(): number {
    return this.count;
  }

  get(sessionId: string): IndexedSession | undefined {
    const dense = this.ids.find(sessionId);
    return dense === undefined ? undefined : this.at(dense);
  }

  has(sessionId: string): boolean {
    const dense = this.ids.find(sessionId);
    return dense !== undefined && this.originOf(dense) >= 0;
  }

  *keys(): IterableIterator<string> {
    for (let dense = 0; dense < this.origin.length; dense++) if (this.originOf(dense) >= 0) yield this.ids.nameOf(dense) as string;
  }

  /** The origin the session with dense id `dense` holds (-1: no session there). */
  private originOf(dense: number): number {
    return dense < this.origin.length ? (this.origin[dense] as number) : -1;
  }

  /** Every session, read back (canonical snapshots and rebuild checks; not for hot paths). */
  toMap(): Map<string, IndexedSession> {
    return new Map([...this.keys()].map((id) => [id, this.get(id) as IndexedSession]));
  }

  /** Puts the session whose dense id is `dense` (held by its origin, `origin`), replacing any entry there. */
  put(dense: number, origin: number, startedAt: number, expiresAt: number | null): void {
    if (dense >= this.origin.length) {
      const length = Math.max(dense + 1, this.origin.length * 2);
      this.origin = grown(this.origin, length, -1);
      this.startedAt = grown(this.startedAt, length);
      this.expiresAt = grown(this.expiresAt, length);
      this.ended = grown(this.ended, length);
    }
    if ((this.origin[dense] as number) < 0) this.count++;
    this.origin[dense] = origin;
    this.startedAt[dense] = startedAt;
    this.expiresAt[dense] = expiresAt ?? Number.NaN;
    this.ended[dense] = 0;
  }

  /** Marks a session ended; false if it is not in the table or had already ended. */
  end(sessionId: string): boolean {
    const dense = this.ids.find(sessionId);
    if (dense === undefined || this.originOf(dense) < 0 || this.ended[dense] === 1) return false;
    this.ended[dense] = 1;
    return true;
  }

  /** Takes the session out; returns the origin it held (-1 if it was not in the table). */
  remove(dense: number): number {
    const origin = this.originOf(dense);
    if (origin < 0) return -1;
    this.origin[dense] = -1;
    this.count--;
    return origin;
  }

  /** The session with dense id `dense`, read back (undefined: none). */
  at(dense: number): IndexedSession | undefined {
    const origin = this.originOf(dense);
    if (origin < 0) return undefined;
    const hot = this.tokens.originById(origin);
    const expiresAt = this.expiresAt[dense] as number;
    return {
      userId: hot.userId,
      startedAt: this.startedAt[dense] as number,
      expiresAt: Number.isNaN(expiresAt) ? null : expiresAt,
      hot,
      origin,
      ended: this.ended[dense] === 1,
    };
  }
}

import type { Lineage } from '@killswitch/domain';
import type { TokenMintedTypes } from '@killswitch/schemas';
import { reviveInstance } from '../projection.ts';
import { IdIndex } from './id-index.ts';
import { LineageIndex, sameLineage } from './lineage-index.ts';
import { ProfileTable } from './profile-table.ts';
import { grown, InternedIds } from './interned-ids.ts';

/**
 * Interned strings by small id (-1 is null): a value repeated by many tokens is held once. Each
 * id counts the profiles that hold it, and leaves the pool with the last of them, so the pool
 * holds the live tokens' values, not every value ever seen; freed ids are reused.
 */
export class StringPool extends InternedIds {
  /** The value's id, counted once more (`release` it when the holder lets go). */
  id(value: string | null): number {
    return value === null ? -1 : this.acquire(value);
  }

  value(id: number): string | null {
    return id < 0 ? null : (this.nameOf(id) as string);
  }

  /** A value's id without interning it: -2 when no entry holds it. */
  peek(value: string): number {
    return this.find(value) ?? -2;
  }
}

/**
 * The least a token's origin says: whose, and from where; and, where the owner tells apart
 * tokens of one lineage by the nodes they hang from directly (the session graph), those.
 */
export interface PlainOrigin {
  readonly userId: string;
  readonly lineage: Lineage;
  readonly parents?: readonly string[];
}

/** What an origin is filed under besides its lineage's content: its user, and its parents if it has them. */
const tagOf = (userId: string, parents: readonly string[] | undefined): string =>
  parents === undefined ? userId : `${userId}\u0003${parents.join('\u0001')}`;

export interface TokenFields {
  readonly expiresAt: number;
  readonly issuedAt: number;
  readonly kind: TokenMintedTypes.TokenKind;
  readonly format: TokenMintedTypes.TokenFormat;
  readonly binding: TokenMintedTypes.TokenBinding;
  readonly bindingThumbprint: string | null;
  readonly clientId: string | null;
  readonly scope: string | null;
  readonly sessionId: string | null;
  readonly agentId: string | null;
}

/** Running counts of `TokenTable.tallyOrigin`, with the interned ids it compares against. */
export interface OriginTally {
  readonly ids: { readonly REFRESH: number; readonly REFERENCE: number; readonly JWT: number; readonly BEARER: number };
  refresh: number;
  reference: number;
  stateless: number;
  bearer: number;
  bearerLatest: number;
  bound: number;
  boundLatest: number;
}

/** A token as read back: its fields with its origin's. */
export type TableToken<O extends PlainOrigin = PlainOrigin> = TokenFields & O;

const STRING_COLUMNS = ['kind', 'format', 'binding', 'bindingThumbprint', 'clientId', 'scope', 'sessionId', 'agentId'] as const;
/** Where each string column sits in a slot's stride. */
export const COLUMN = Object.fromEntries(STRING_COLUMNS.map((name, i) => [name, i])) as Record<(typeof STRING_COLUMNS)[number], number>;

/** A profile's value for "the origin's own": its nearest session (`sessionId`) or agent (`agentId`). */
const OF_ORIGIN = -3;
/** The id column `column` of a token shares with its origin's lineage, if any. */
const nearest = (lineage: Lineage, column: number): string | undefined =>
  column === COLUMN.sessionId ? lineage.sessions[0] : column === COLUMN.agentId ? lineage.agents[0] : undefined;

/**
 * The live tokens of a tenant, by column: a slot per token in typed arrays (times, origin, and
 * a profile: the row of interned strings it shares with the tokens minted alike) and its id,
 * found by id through an open-addressing index that holds the ids as bytes (`IdIndex`). About 24
 * bytes of columns and 16 of index per token beside the id's bytes, instead of a ~400-byte object;
 * slots of expired tokens are reused. Expiry queues and origin lists carry slot numbers, not
 * strings, and a hot snapshot carries the whole table as typed arrays but for its origins.
 *
 * Origins, profiles and interned strings count their holders (tokens, and whoever `retainOrigin`s one, e.g.
 * a session) and are freed with the last: the table holds what its live tokens and live holders
 * need, never the history. Freed origins queue up for the owner (`takeReleased`), which drops
 * what it keeps beside them (dense ids).
 */
export class TokenTable<O extends PlainOrigin = PlainOrigin> {
  /** Slots by token id, and each slot's id (none: a free slot). */
  private index = new IdIndex();
  private readonly freeSlots: number[] = [];
  private highWater = 0;
  private expiresAt = new Float64Array(1024);
  private issuedAt = new Float64Array(1024);
  private origin = new Int32Array(1024);
  /** How many of `STRING_COLUMNS` (a prefix) the table stores; the others read as null. */
  private readonly stride: number = STRING_COLUMNS.length;
  /** Each slot's profile: a row of `stride` interned string ids in `profiles`. */
  private profile = new Int32Array(1024);
  private profiles: ProfileTable;
  /** The string ids of the token being set, before its profile is found. */
  private readonly scratch = new Int32Array(STRING_COLUMNS.length);
  private readonly origins: Array<O | undefined> = [];
  /** Per origin: its tokens plus its other holders (`retainOrigin`); freed at 0. */
  private originRefs = new Int32Array(64);
  private readonly freeOrigins: number[] = [];
  /** Origins freed since the owner last looked (`takeReleased`), with the ids they had. */
  private released: Array<{ readonly id: number; readonly origin: O }> = [];
  /** Origins, found by their user (and parents) and lineage's content: no key string per origin or per token. */
  private originsByContent = new LineageIndex<number>();
  private readonly pool = new StringPool();
  /**
   * With `byOrigin`: each origin's tokens as a doubly linked list through two slot columns (8 bytes
   * a token, no object per origin), in the order they were added, so the tokens of one lineage
   * are read without a lookup by id.
   */
  private originHead: Int32Array | null = null;
  private originTail: Int32Array | null = null;
  private next: Int32Array | null = null;
  private previous: Int32Array | null = null;

  /** `stringColumns`: store only the first N of `STRING_COLUMNS` (kind, format, binding, ...). */
  constructor(options: { byOrigin?: boolean; stringColumns?: number } = {}) {
    this.stride = Math.min(STRING_COLUMNS.length, options.stringColumns ?? STRING_COLUMNS.length);
    this.profiles = new ProfileTable(this.stride);
    if (!options.byOrigin) return;
    this.originHead = new Int32Array(64).fill(-1);
    this.originTail = new Int32Array(64).fill(-1);
    this.next = new Int32Array(1024);
    this.previous = new Int32Array(1024);
  }

  /** A table back from a hot snapshot's structured clone. */
  static revive<O extends PlainOrigin = PlainOrigin>(data: unknown): TokenTable<O> {
    const table = reviveInstance(TokenTable, data) as unknown as TokenTable<O>;
    (table as unknown as { pool: StringPool }).pool = reviveInstance(StringPool, table.pool);
    table.profiles = reviveInstance(ProfileTable, table.profiles);
    table.originsByContent = reviveInstance(LineageIndex<number>, table.originsByContent);
    table.index = IdIndex.revive(table.index);
    return table;
  }

  get size(): number {
    return this.index.size;
  }

  /**
   * The shared origin for tokens of `userId` born of `lineage`, and hanging from `parents` if the
   * owner names them (by content: `make` makes a fresh origin, with its own copy of the lineage
   * and these parents).
   */
  originFor(userId: string, lineage: Lineage, make: () => O, parents?: readonly string[]): number {
    const tag = tagOf(userId, parents);
    const found = this.originsByContent.find(lineage, tag, this);
    if (found !== undefined) return found;
    const id = this.addOrigin(make());
    this.originsByContent.add(lineage, tag, id);
    return id;
  }

  /** `LineageMatcher`: whether origin `origin` is the one for `tag` (its user, and parents) under `lineage`. */
  isEntryFor(origin: number, lineage: Lineage, tag: string): boolean {
    const made = this.origins[origin];
    if (made === undefined) return false;
    const same = made.parents === undefined ? made.userId === tag : tagOf(made.userId, made.parents) === tag;
    return same && sameLineage(made.lineage, lineage);
  }

  private addOrigin(origin: O): number {
    const id = this.freeOrigins.pop() ?? this.origins.length;
    this.origins[id] = origin;
    if (id >= this.originRefs.length) this.originRefs = grown(this.originRefs, this.originRefs.length * 2);
    this.originRefs[id] = 0;
    if (this.originHead && this.originTail) {
      if (id >= this.originHead.length) {
        this.originHead = grown(this.originHead, this.originHead.length * 2, -1);
        this.originTail = grown(this.originTail, this.originTail.length * 2, -1);
      }
      this.originHead[id] = -1;
      this.originTail[id] = -1;
    }
    return id;
  }

  /** One more holder of an origin besides its tokens (a session that may mint more): it stays until released. */
  retainOrigin(origin: number): void {
    this.originRefs[origin] = (this.originRefs[origin] as number) + 1;
  }

  /** A holder lets go of an origin; it is freed with its last holder or token. */
  releaseOrigin(origin: number): void {
    const left = (this.originRefs[origin] as number) - 1;
    this.originRefs[origin] = left;
    if (left > 0) return;
    const freed = this.origins[origin] as O;
    this.originsByContent.remove(freed.lineage, tagOf(freed.userId, freed.parents), origin);
    this.origins[origin] = undefined;
    this.freeOrigins.push(origin);
    this.released.push({ id: origin, origin: freed });
  }

  /** The origins freed since the last call, with the ids they had (the owner drops what it keeps for them). */
  takeReleased(): Array<{ readonly id: number; readonly origin: O }> {
    const released = this.released;
    if (released.length > 0) this.released = [];
    return released;
  }

  /** Origins held (structural checks). */
  get originCount(): number {
    return this.origins.length - this.freeOrigins.length;
  }

  /** Profiles held (structural checks). */
  get profileCount(): number {
    return this.profiles.size;
  }

  /** Interned strings held (structural checks). */
  get internedCount(): number {
    return this.pool.size;
  }

  /** The origin's tokens' slots (with `byOrigin`), in the order they were added, read through the columns below. */
  *slotsOf(origin: number): IterableIterator<number> {
    if (!this.originHead || !this.next) throw new Error('this token table does not list tokens by origin');
    for (let slot = this.originHead[origin] ?? -1; slot >= 0; slot = this.next[slot] as number) yield slot;
  }

  /**
   * Tallies an origin's tokens unexpired at `now` into `into` (one pass over the columns, no call
   * per token): by class, `live` unless revoked (`revoked`: the whole lineage; else issued at or
   * before `cutoff`, or a slot in `revokedSlots`), and stateless access tokens by binding.
   */
  tallyOrigin(origin: number, now: number, revoked: boolean, cutoff: number, revokedSlots: ReadonlySet<number>, into: OriginTally): void {
    const next = this.next as Int32Array;
    const { expiresAt, issuedAt, profile, stride } = this;
    const strings = this.profiles.values;
    const { REFRESH, REFERENCE, JWT, BEARER } = into.ids;
    const checkSlots = revokedSlots.size > 0;
    for (let slot = (this.originHead as Int32Array)[origin] ?? -1; slot >= 0; slot = next[slot] as number) {
      const expiry = expiresAt[slot] as number;
      if (expiry <= now) continue;
      const base = (profile[slot] as number) * stride;
      const kind = strings[base + COLUMN.kind] as number;
      const format = strings[base + COLUMN.format] as number;
      if (format === JWT && kind !== REFRESH) {
        if (strings[base + COLUMN.binding] === BEARER) {
          into.bearer++;
          if (expiry > into.bearerLatest) into.bearerLatest = expiry;
        } else {
          into.bound++;
          if (expiry > into.boundLatest) into.boundLatest = expiry;
        }
      }
      if (revoked || (issuedAt[slot] as number) <= cutoff || (checkSlots && revokedSlots.has(slot))) continue;
      if (kind === REFRESH) into.refresh++;
      else if (format === REFERENCE) into.reference++;
      else into.stateless++;
    }
  }

  originById(origin: number): O {
    return this.origins[origin] as O;
  }

  /** Appends the slot to its origin's list. */
  private link(slot: number, origin: number): void {
    const head = this.originHead as Int32Array;
    const tail = this.originTail as Int32Array;
    const next = this.next as Int32Array;
    const previous = this.previous as Int32Array;
    const last = tail[origin] as number;
    previous[slot] = last;
    next[slot] = -1;
    if (last >= 0) next[last] = slot;
    else head[origin] = slot;
    tail[origin] = slot;
  }

  private unlink(slot: number): void {
    const origin = this.origin[slot] as number;
    const next = this.next as Int32Array;
    const previous = this.previous as Int32Array;
    const before = previous[slot] as number;
    const after = next[slot] as number;
    if (before >= 0) next[before] = after;
    else (this.originHead as Int32Array)[origin] = after;
    if (after >= 0) previous[after] = before;
    else (this.originTail as Int32Array)[origin] = before;
  }

  /** Adds or replaces a token; returns its slot. */
  set(tokenId: string, origin: number, fields: TokenFields): number {
    let slot = this.index.get(tokenId);
    const replaced = slot >= 0;
    if (!replaced) {
      slot = this.freeSlots.pop() ?? this.highWater++;
      if (slot >= this.expiresAt.length) this.grow();
      this.index.add(tokenId, slot);
    } else if (this.originHead) this.unlink(slot);
    const previous = this.origin[slot] as number;
    this.origin[slot] = origin;
    this.originRefs[origin] = (this.originRefs[origin] as number) + 1;
    if (this.originHead) this.link(slot, origin);
    this.expiresAt[slot] = fields.expiresAt;
    this.issuedAt[slot] = fields.issuedAt;
    const before = this.profile[slot] as number;
    this.profile[slot] = this.profileOf(fields, (this.origins[origin] as O).lineage);
    if (replaced) {
      this.releaseProfile(before);
      this.releaseOrigin(previous);
    }
    return slot;
  }

  /**
   * The profile holding these fields' strings, held once more: found by content, or made. A
   * session id (agent id) that is the origin's nearest session (agent) is stored as `OF_ORIGIN`:
   * the tokens of one session share a profile with every other session's, not one per session.
   */
  private profileOf(fields: TokenFields, lineage: Lineage): number {
    const { scratch, stride, pool } = this;
    let known = true;
    for (let i = 0; i < stride; i++) {
      const value = fields[STRING_COLUMNS[i] as (typeof STRING_COLUMNS)[number]];
      const id = value === null ? -1 : value === nearest(lineage, i) ? OF_ORIGIN : pool.peek(value);
      if (id === -2) known = false;
      scratch[i] = id;
    }
    let profile = known ? this.profiles.find(scratch) : -1;
    if (profile < 0) {
      // A new profile holds each of its strings once.
      for (let i = 0; i < stride; i++)
        if (scratch[i] !== OF_ORIGIN) scratch[i] = pool.id(fields[STRING_COLUMNS[i] as (typeof STRING_COLUMNS)[number]]);
      profile = this.profiles.add(scratch);
    }
    this.profiles.retain(profile);
    return profile;
  }

  private releaseProfile(profile: number): void {
    if (!this.profiles.release(profile)) return;
    for (let i = 0; i < this.stride; i++) this.pool.release(this.profiles.value(profile, i));
  }

  /** The token's slot, or -1: the columns below read a slot without building an object. */
  slot(tokenId: string): number {
    return this.index.get(tokenId);
  }

  /** The id of the token in a slot (undefined: the slot is free). */
  idAt(slot: number): string | undefined {
    return this.index.idAt(slot);
  }

  has(tokenId: string): boolean {
    return this.index.get(tokenId) >= 0;
  }

  expiresAtOf(slot: number): number {
    return this.expiresAt[slot] as number;
  }

  issuedAtOf(slot: number): number {
    return this.issuedAt[slot] as number;
  }

  originAt(slot: number): O {
    return this.origins[this.origin[slot] as number] as O;
  }

  get(tokenId: string): TableToken<O> | undefined {
    const slot = this.index.get(tokenId);
    return slot < 0 ? undefined : this.read(slot);
  }

  delete(tokenId: string): boolean {
    const slot = this.index.get(tokenId);
    if (slot < 0) return false;
    this.deleteSlot(slot);
    return true;
  }

  /**
   * Frees the slot if its token has expired by `expired`; returns whether it did. An expiry
   * queue's entry may name a slot that has since been freed or taken by a newer token: those stay.
   */
  evictIfExpired(slot: number, expired: (expiresAt: number) => boolean): boolean {
    if (!this.index.has(slot) || !expired(this.expiresAt[slot] as number)) return false;
    this.deleteSlot(slot);
    return true;
  }

  /** Frees an occupied slot (a free one is left as it is). */
  deleteSlot(slot: number): void {
    if (!this.index.has(slot)) return;
    this.index.delete(slot);
    if (this.originHead) this.unlink(slot);
    this.freeSlots.push(slot);
    this.releaseProfile(this.profile[slot] as number);
    this.releaseOrigin(this.origin[slot] as number);
  }

  /** The ids of the live tokens, by slot. */
  keys(): IterableIterator<string> {
    return this.index.ids();
  }

  /** Every token, read back (canonical snapshots and rebuild checks; not for hot paths). */
  toMap(): Map<string, TableToken<O>> {
    const tokens = new Map<string, TableToken<O>>();
    for (let slot = 0; slot < this.highWater; slot++) {
      const id = this.index.idAt(slot);
      if (id !== undefined) tokens.set(id, this.read(slot));
    }
    return tokens;
  }

  /** The id a string column value is interned under (-2: no token holds it). */
  internedId(value: string): number {
    return this.pool.peek(value);
  }

  /** String column `column` (an index into `STRING_COLUMNS`) of a slot. */
  stringAt(slot: number, column: number): string | null {
    if (column >= this.stride) return null;
    const id = this.profiles.value(this.profile[slot] as number, column);
    return id === OF_ORIGIN ? (nearest(this.originAt(slot).lineage, column) as string) : this.pool.value(id);
  }

  // No closures or spreads here: this runs once per token a blast radius or a receipt reads.
  private read(slot: number): TableToken<O> {
    const fields: TokenFields = {
      expiresAt: this.expiresAt[slot] as number,
      issuedAt: this.issuedAt[slot] as number,
      kind: this.stringAt(slot, COLUMN.kind) as TokenMintedTypes.TokenKind,
      format: this.stringAt(slot, COLUMN.format) as TokenMintedTypes.TokenFormat,
      binding: this.stringAt(slot, COLUMN.binding) as TokenMintedTypes.TokenBinding,
      bindingThumbprint: this.stringAt(slot, COLUMN.bindingThumbprint),
      clientId: this.stringAt(slot, COLUMN.clientId),
      scope: this.stringAt(slot, COLUMN.scope),
      sessionId: this.stringAt(slot, COLUMN.sessionId),
      agentId: this.stringAt(slot, COLUMN.agentId),
    };
    return Object.assign(fields, this.originAt(slot));
  }

  private grow(): void {
    const size = this.expiresAt.length * 2;
    this.expiresAt = grown(this.expiresAt, size);
    this.issuedAt = grown(this.issuedAt, size);
    this.origin = grown(this.origin, size);
    this.profile = grown(this.profile, size);
    if (this.next) this.next = grown(this.next, size);
    if (this.previous) this.previous = grown(this.previous, size);
  }
}

import type { Lineage } from '@killswitch/domain';
import { reviveInstance } from '../projection.ts';

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

export const sameLineage = (a: Lineage, b: Lineage) =>
  a === b || (a.deviceId === b.deviceId && sameIds(a.sessions, b.sessions) && sameIds(a.agents, b.agents) && sameIds(a.grants, b.grants));

/** A lineage as a string key (only where a lineage must be named in a string). */
const lineageKey = (lineage: Lineage) =>
  `${lineage.sessions.join('\u0001')}\u0000${lineage.agents.join('\u0001')}\u0000${lineage.grants.join('\u0001')}\u0000${lineage.deviceId ?? ''}`;

/** The id a lineage is filed under: its most specific node (nearest agent, grant, session, then device). */
const headOf = (lineage: Lineage) => lineage.agents[0] ?? lineage.grants[0] ?? lineage.sessions[0] ?? lineage.deviceId ?? '';

/** Past this many entries under one head (only crafted input gets there), the others go by key string. */
const FILED_PER_HEAD = 16;

/** Tells whether an entry of a `LineageIndex` stands for a lineage (and tag). */
export interface LineageMatcher<V> {
  isEntryFor(entry: V, lineage: Lineage, tag: string): boolean;
}

/**
 * Entries found by a lineage's content (and a tag, e.g. a user id) without building a key string:
 * each is filed under the lineage's most specific id (a string the lineage holds anyway) and
 * compared in full, by the caller's matcher, with the few filed there. Entries must not be arrays.
 */
export class LineageIndex<V> {
  private readonly byHead = new Map<string, V | V[]>();
  /** Entries beyond `FILED_PER_HEAD` under one head, by key string. */
  private readonly overflow = new Map<string, V>();

  find(lineage: Lineage, tag: string, matcher: LineageMatcher<V>): V | undefined {
    const filed = this.byHead.get(headOf(lineage));
    if (Array.isArray(filed)) {
      for (const entry of filed) if (matcher.isEntryFor(entry, lineage, tag)) return entry;
    } else if (filed !== undefined && matcher.isEntryFor(filed, lineage, tag)) return filed;
    // What spilled over while the list was full stays there after the list shrinks. Compared in
    // full too: two lineages and tags whose ids hold the separators could share a key string.
    if (this.overflow.size === 0) return undefined;
    const spilled = this.overflow.get(overflowKey(lineage, tag));
    return spilled !== undefined && matcher.isEntryFor(spilled, lineage, tag) ? spilled : undefined;
  }

  /** Files `entry` (not found by `find`) for `lineage` and `tag`. */
  add(lineage: Lineage, tag: string, entry: V): void {
    const head = headOf(lineage);
    const filed = this.byHead.get(head);
    if (filed === undefined) this.byHead.set(head, entry);
    else if (!Array.isArray(filed)) this.byHead.set(head, [filed, entry]);
    else if (filed.length < FILED_PER_HEAD) filed.push(entry);
    else this.overflow.set(overflowKey(lineage, tag), entry);
  }

  /** Unfiles `entry`, filed for `lineage` and `tag` (nothing happens if it is not filed). */
  remove(lineage: Lineage, tag: string, entry: V): void {
    const head = headOf(lineage);
    const filed = this.byHead.get(head);
    if (filed === entry) {
      this.byHead.delete(head);
      return;
    }
    if (Array.isArray(filed)) {
      const at = filed.indexOf(entry);
      if (at >= 0) {
        filed.splice(at, 1);
        if (filed.length === 1) this.byHead.set(head, filed[0] as V);
        return;
      }
    }
    if (this.overflow.size === 0) return;
    const key = overflowKey(lineage, tag);
    if (this.overflow.get(key) === entry) this.overflow.delete(key);
  }

  /** Entries held (structural checks). */
  get size(): number {
    let n = this.overflow.size;
    for (const filed of this.byHead.values()) n += Array.isArray(filed) ? filed.length : 1;
    return n;
  }
}

const overflowKey = (lineage: Lineage, tag: string) => `${tag}\u0003${lineageKey(lineage)}`;

const SAME_LINEAGE: LineageMatcher<Lineage> = { isEntryFor: (entry, lineage) => sameLineage(entry, lineage) };

/**
 * One shared object per distinct lineage, found by content without building a key string (a
 * `LineageIndex` of the lineages themselves). A million sessions cost a map entry each, not a map
 * entry and a key string; a token minted costs a lookup, not a string built and hashed.
 */
export class LineageInterner {
  private readonly filed = new LineageIndex<Lineage>();

  /** Back from a hot snapshot's structured clone. */
  static revive(data: unknown): LineageInterner {
    const interner = reviveInstance(LineageInterner, data);
    (interner as unknown as { filed: LineageIndex<Lineage> }).filed = reviveInstance(LineageIndex<Lineage>, interner.filed);
    return interner;
  }

  /** The shared lineage equal to `lineage`; `share` makes the one to keep when there is none yet. */
  intern(lineage: Lineage, share: (given: Lineage) => Lineage = (given) => given): Lineage {
    const found = this.filed.find(lineage, '', SAME_LINEAGE);
    if (found) return found;
    const shared = share(lineage);
    this.filed.add(shared, '', shared);
    return shared;
  }

  /** Forgets `lineage` if it is the one interned for its content (a later equal lineage is interned anew). */
  forget(lineage: Lineage): void {
    this.filed.remove(lineage, '', lineage);
  }

  /** Lineages held (structural checks). */
  get size(): number {
    return this.filed.size;
  }
}

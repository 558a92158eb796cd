import type { Lineage } from '@killswitch/domain';

/**
 * One shared empty list for every lineage member that has none (most agents and grants lists):
 * a million sessions hold no million empty arrays. Frozen: nothing may add to it.
 */
const NO_IDS: string[] = Object.freeze([] as string[]) as string[];

/** A list of ids to keep: an exact-size copy (a list grown by pushes has room for 17), or the shared empty list. */
export const keptIds = (ids: readonly string[]): string[] => (ids.length === 0 ? NO_IDS : ids.slice());

/** A lineage to keep (frozen): exact-size lists, empty ones shared; the device id as `deviceId` gives it. */
export const keptLineage = (given: Lineage, deviceId: string | null = given.deviceId): Lineage =>
  Object.freeze({ sessions: keptIds(given.sessions), agents: keptIds(given.agents), grants: keptIds(given.grants), deviceId });

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

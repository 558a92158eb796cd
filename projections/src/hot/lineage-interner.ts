import type { Lineage } from '@killswitch/domain';
import { reviveInstance } from '../projection.ts';

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

export const sameLineage = (a: Lineage, b: Lineage) =>
  a === b || (a.deviceId === b.deviceId && sameIds(a.sessions, b.sessions) && sameIds(a.agents, b.agents) && sameIds(a.grants, b.grants));

/** A lineage as a string key (only where a lineage must be named in a string). */
export const lineageKey = (lineage: Lineage) =>
  `${lineage.sessions.join('\u0001')}\u0000${lineage.agents.join('\u0001')}\u0000${lineage.grants.join('\u0001')}\u0000${lineage.deviceId ?? ''}`;

/** The id a lineage is filed under: its most specific node (nearest agent, grant, session, then device). */
const headOf = (lineage: Lineage) => lineage.agents[0] ?? lineage.grants[0] ?? lineage.sessions[0] ?? lineage.deviceId ?? '';

/** Past this many lineages under one head (only crafted input gets there), the others go by key string. */
const FILED_PER_HEAD = 16;

/**
 * One shared object per distinct lineage, found by content without building a key string: each is
 * filed under its most specific id (a string the lineage holds anyway) and compared in full with
 * the few filed there. A million sessions cost a map entry each, not a map entry and a key string;
 * a token minted costs a lookup, not a string built and hashed.
 */
export class LineageInterner {
  private readonly byHead = new Map<string, Lineage | Lineage[]>();
  /** Lineages beyond `FILED_PER_HEAD` under one head, by key string. */
  private readonly overflow = new Map<string, Lineage>();

  /** Back from a hot snapshot's structured clone. */
  static revive(data: unknown): LineageInterner {
    return reviveInstance(LineageInterner, data);
  }

  /** The shared lineage equal to `lineage`; `share` makes the one to keep when there is none yet. */
  intern(lineage: Lineage, share: (given: Lineage) => Lineage = (given) => given): Lineage {
    const head = headOf(lineage);
    const filed = this.byHead.get(head);
    if (filed === undefined) {
      const shared = share(lineage);
      this.byHead.set(head, shared);
      return shared;
    }
    if (!Array.isArray(filed)) {
      if (sameLineage(filed, lineage)) return filed;
      const shared = share(lineage);
      this.byHead.set(head, [filed, shared]);
      return shared;
    }
    for (const candidate of filed) if (sameLineage(candidate, lineage)) return candidate;
    const key = this.overflow.size > 0 || filed.length >= FILED_PER_HEAD ? lineageKey(lineage) : null;
    const spilled = key === null ? undefined : this.overflow.get(key);
    if (spilled) return spilled;
    const shared = share(lineage);
    if (key === null || filed.length < FILED_PER_HEAD) filed.push(shared);
    else this.overflow.set(key, shared);
    return shared;
  }

  /** Forgets `lineage` if it is the one interned for its content (a later equal lineage is interned anew). */
  forget(lineage: Lineage): void {
    const head = headOf(lineage);
    const filed = this.byHead.get(head);
    if (filed === lineage) {
      this.byHead.delete(head);
      return;
    }
    if (Array.isArray(filed)) {
      const at = filed.indexOf(lineage);
      if (at >= 0) {
        filed.splice(at, 1);
        if (filed.length === 1) this.byHead.set(head, filed[0] as Lineage);
        return;
      }
    }
    if (this.overflow.size === 0) return;
    const key = lineageKey(lineage);
    if (this.overflow.get(key) === lineage) this.overflow.delete(key);
  }

  /** Lineages held (structural checks). */
  get size(): number {
    let n = this.overflow.size;
    for (const filed of this.byHead.values()) n += Array.isArray(filed) ? filed.length : 1;
    return n;
  }
}

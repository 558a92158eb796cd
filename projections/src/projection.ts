import type { RecordedEvent } from '@killswitch/event-store';

/**
 * A read model: `evolve` is deterministic and total: its result depends only on the state
 * and the event (never on a clock or I/O) and it never throws. For speed it updates the state
 * it is given rather than copying million-entry maps; a rebuild from position 0 must therefore
 * equal the live state, which `rebuild.test.ts` checks.
 */
export interface Projection<S> {
  readonly name: string;
  initialState(): S;
  evolve(state: S, event: RecordedEvent): S;
  /** A canonical, comparable form of the state (for rebuild equality and as-of exports). */
  snapshot(state: S): unknown;
  /**
   * The state back from its structured clone (a hot snapshot on disk): maps, sets, typed arrays
   * and shared references survive the clone, class instances do not and are restored here.
   */
  revive(data: unknown): S;
}

/** A class instance back from its structured clone: a fresh instance carrying the cloned fields. */
export function reviveInstance<T extends object>(Class: new () => T, data: unknown): T {
  return Object.assign(new Class(), data);
}

/** Per-tenant state: tenants never share a map, so one tenant's input cannot reach another's data. */
export function tenantState<T>(tenants: Map<string, T>, tenant: string, create: () => T): T {
  let state = tenants.get(tenant);
  if (!state) {
    state = create();
    tenants.set(tenant, state);
  }
  return state;
}

/** Map → sorted entries, recursively, so snapshots compare equal regardless of insertion order. */
export function canonical(value: unknown): unknown {
  if (value instanceof Map) {
    return [...value.entries()].map(([k, v]) => [k, canonical(v)] as const).sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
  }
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

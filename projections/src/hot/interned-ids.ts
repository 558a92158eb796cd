/** A copy of `from` grown to `length`, the new part filled with `fill`. */
export function grown<T extends Int32Array | Float64Array | Uint8Array>(from: T, length: number, fill = 0): T {
  const to = new (from.constructor as new (n: number) => T)(length);
  if (fill !== 0) to.fill(fill, from.length);
  to.set(from);
  return to;
}

/**
 * Small integers for strings. Each number counts its holders (`acquire`, `release`) and is freed
 * with the last, then reused: what is held follows what is alive, not everything ever seen.
 * `of` assigns a number without counting it (held for good).
 */
export class InternedIds {
  private readonly ids = new Map<string, number>();
  private readonly names: Array<string | undefined> = [];
  private refs = new Int32Array(64);
  private readonly free: number[] = [];

  /** The string's number, assigned if it has none (not counted). */
  of(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.free.pop() ?? this.names.length;
      this.ids.set(name, id);
      this.names[id] = name;
    }
    return id;
  }

  /** The string's number, held once more until `release`d. */
  acquire(name: string): number {
    const id = this.of(name);
    if (id >= this.refs.length) this.refs = grown(this.refs, Math.max(id + 1, this.refs.length * 2));
    this.refs[id] = (this.refs[id] as number) + 1;
    return id;
  }

  /** One holder lets go; the string leaves with its last holder (-1 is no id). */
  release(id: number): void {
    if (id < 0) return;
    const left = (this.refs[id] as number) - 1;
    this.refs[id] = left;
    if (left > 0) return;
    this.ids.delete(this.names[id] as string);
    this.names[id] = undefined;
    this.free.push(id);
  }

  find(name: string): number | undefined {
    return this.ids.get(name);
  }

  nameOf(id: number): string | undefined {
    return this.names[id];
  }

  get size(): number {
    return this.ids.size;
  }
}

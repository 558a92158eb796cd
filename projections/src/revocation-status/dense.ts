/**
 * Assigns small integers to ids, in event order (so a rebuild assigns the same ones). Ids that
 * come and go (sessions, agents, grants) are `acquire`d by what refers to them (origins, revocation
 * flags) and leave with the last `release`; their numbers are reused. Users and devices keep theirs.
 */
export class DenseIds {
  private readonly ids = new Map<string, number>();
  private readonly names: Array<string | undefined> = [];
  private refs = new Int32Array(64);
  private readonly free: number[] = [];

  of(id: string): number {
    let dense = this.ids.get(id);
    if (dense === undefined) {
      dense = this.free.pop() ?? this.names.length;
      this.ids.set(id, dense);
      this.names[dense] = id;
    }
    return dense;
  }

  /** The id's number, held once more until `release`d. */
  acquire(id: string): number {
    const dense = this.of(id);
    if (dense >= this.refs.length) {
      const grown = new Int32Array(Math.max(dense + 1, this.refs.length * 2));
      grown.set(this.refs);
      this.refs = grown;
    }
    this.refs[dense] = (this.refs[dense] as number) + 1;
    return dense;
  }

  /** One holder lets go; the id leaves with its last holder (-1 is no id). */
  release(dense: number): void {
    if (dense < 0) return;
    const left = (this.refs[dense] as number) - 1;
    this.refs[dense] = left;
    if (left > 0) return;
    this.ids.delete(this.names[dense] as string);
    this.names[dense] = undefined;
    this.free.push(dense);
  }

  find(id: string): number | undefined {
    return this.ids.get(id);
  }

  get size(): number {
    return this.ids.size;
  }
}

/** A growable Float64Array; unset slots read as -Infinity ("no cut-off"). */
export class InstantArray {
  private values = new Float64Array(1024).fill(-Infinity);

  get(index: number): number {
    return index < this.values.length ? (this.values[index] as number) : -Infinity;
  }

  set(index: number, value: number): void {
    if (index >= this.values.length) {
      const grown = new Float64Array(Math.max(index + 1, this.values.length * 2)).fill(-Infinity);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[index] = value;
  }
}

/** A growable bitmap of revoked dense ids. */
export class FlagArray {
  private bits = new Uint8Array(1024);

  has(index: number): boolean {
    return index >= 0 && index < this.bits.length && this.bits[index] === 1;
  }

  add(index: number): void {
    if (index >= this.bits.length) {
      const grown = new Uint8Array(Math.max(index + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[index] = 1;
  }
}

/** Assigns small consecutive integers to ids, in event order (so a rebuild assigns the same ones). */
export class DenseIds {
  private readonly ids = new Map<string, number>();

  of(id: string): number {
    let dense = this.ids.get(id);
    if (dense === undefined) {
      dense = this.ids.size;
      this.ids.set(id, dense);
    }
    return dense;
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

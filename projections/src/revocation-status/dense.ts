import { grown, InternedIds } from '../hot/interned-ids.ts';

/**
 * Dense ids, in event order (so a rebuild assigns the same ones). Ids that come and go (sessions,
 * agents, grants) are `acquire`d by what refers to them (origins, revocation flags) and leave with
 * the last `release`; their numbers are reused. Users and devices keep theirs (`of`).
 */
export class DenseIds extends InternedIds {}

/** A growable Float64Array; unset slots read as -Infinity ("no cut-off"). */
export class InstantArray {
  private values = new Float64Array(1024).fill(-Infinity);

  get(index: number): number {
    return index < this.values.length ? (this.values[index] as number) : -Infinity;
  }

  set(index: number, value: number): void {
    if (index >= this.values.length) {
      this.values = grown(this.values, Math.max(index + 1, this.values.length * 2), -Infinity);
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
      this.bits = grown(this.bits, Math.max(index + 1, this.bits.length * 2));
    }
    this.bits[index] = 1;
  }
}

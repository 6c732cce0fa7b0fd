const INITIAL_CAPACITY = 1 << 12;
const MAX_LOAD = 0.7;

/**
 * Remembers the line on which each E.164 number first appeared in an import, in two typed arrays
 * (about 20 bytes a number) rather than a Set of strings, so a file of millions of lines can be
 * checked for duplicates while it streams. E.164 has at most 15 digits, which a double holds
 * exactly, so the digits are the key and 0 marks a free slot. Open addressing, linear probing.
 */
export class PhoneLineIndex {
  private keys = new Float64Array(INITIAL_CAPACITY);
  private lines = new Uint32Array(INITIAL_CAPACITY);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The line `phone` was first seen on, or undefined after recording `line` as its first line. */
  firstLineOf(phone: string, line: number): number | undefined {
    const key = keyOf(phone);
    const slot = this.slotOf(key);
    if (this.keys[slot] === key) return this.lines[slot];
    this.keys[slot] = key;
    this.lines[slot] = line;
    this.count += 1;
    if (this.count > this.keys.length * MAX_LOAD) this.grow();
    return undefined;
  }

  private slotOf(key: number): number {
    const mask = this.keys.length - 1;
    let slot = hash(key) & mask;
    while (this.keys[slot] !== 0 && this.keys[slot] !== key) slot = (slot + 1) & mask;
    return slot;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldLines = this.lines;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.lines = new Uint32Array(oldLines.length * 2);
    for (let index = 0; index < oldKeys.length; index += 1) {
      if (oldKeys[index] === 0) continue;
      const slot = this.slotOf(oldKeys[index]);
      this.keys[slot] = oldKeys[index];
      this.lines[slot] = oldLines[index];
    }
  }
}

function keyOf(phone: string): number {
  if (!/^\+[1-9]\d{1,14}$/.test(phone)) throw new Error(`Not an E.164 number: ${phone}`);
  return Number(phone.slice(1));
}

/** Mixes both halves of the number, so numbers that differ only in their last digits spread out. */
function hash(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 0x1_0000_0000);
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

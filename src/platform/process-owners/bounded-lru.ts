/** A Map with a size bound: reading an entry makes it the newest, inserting past the bound evicts the oldest. */
export class BoundedLru<K, V> {
  private readonly map = new Map<K, V>();
  /** Entries pushed out by the bound since creation. */
  evictions = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('BoundedLru capacity must be at least 1');
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) {
        this.map.delete(oldest.value);
        this.evictions++;
      }
    }
    this.map.set(key, value);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}

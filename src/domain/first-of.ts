/**
 * The first `limit` of many items in an order, and how many there were: a page of a long
 * list without sorting all of it (a city's overdue cases, a list sorted by deadline).
 * The kept items form a heap with the last of them on top, so an item that does not enter
 * costs one comparison and one that does costs a few, whatever order the items come in.
 * Equal items keep the order they came in, as a stable sort would.
 */
interface Entry<T> {
  item: T;
  n: number;
}

export class FirstOf<T> {
  /** The kept items, each with its arrival number; the last in order at the root. */
  private readonly heap: Entry<T>[] = [];
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly order: (a: T, b: T) => number,
  ) {}

  add(item: T): void {
    const entry = { item, n: this.seen };
    this.seen += 1;
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(entry);
      this.siftUp(heap.length - 1);
    } else if (heap.length > 0 && this.before(entry, heap[0] as Entry<T>)) {
      heap[0] = entry;
      this.siftDown(0);
    }
  }

  /** How many items were added. */
  get count(): number {
    return this.seen;
  }

  /** The first items, in order. */
  get items(): T[] {
    return [...this.heap].sort((a, b) => (this.before(a, b) ? -1 : 1)).map((entry) => entry.item);
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    const byOrder = this.order(a.item, b.item);
    return byOrder < 0 || (byOrder === 0 && a.n < b.n);
  }

  private siftUp(at: number): void {
    const heap = this.heap as Entry<T>[];
    const moving = heap[at] as Entry<T>;
    let child = at;
    while (child > 0) {
      const parent = (child - 1) >>> 1;
      const above = heap[parent] as Entry<T>;
      if (!this.before(above, moving)) break;
      heap[child] = above;
      child = parent;
    }
    heap[child] = moving;
  }

  private siftDown(at: number): void {
    const heap = this.heap as Entry<T>[];
    const size = heap.length;
    const moving = heap[at] as Entry<T>;
    let parent = at;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= size) break;
      const right = left + 1;
      let later = left;
      if (right < size && this.before(heap[left] as Entry<T>, heap[right] as Entry<T>)) later = right;
      if (!this.before(moving, heap[later] as Entry<T>)) break;
      heap[parent] = heap[later] as Entry<T>;
      parent = later;
    }
    heap[parent] = moving;
  }
}

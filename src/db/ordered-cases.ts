import type { MirroredCase } from './case-mirror';

/** Newest received first, then by id: the order lists have always had (a missing date sorts last, as MongoDB's null does). */
export function newestFirst(a: MirroredCase, b: MirroredCase): number {
  const byDate = (b.receivedAt ?? Number.NEGATIVE_INFINITY) - (a.receivedAt ?? Number.NEGATIVE_INFINITY);
  if (byDate !== 0 && !Number.isNaN(byDate)) return byDate;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The cases of the in-memory copy by id and, beside that, in list order (newest received
 * first): a list in that order is one pass that stops counting nothing but sorts nothing.
 * A transition leaves a case's receipt time as it was, so replacing it keeps its place;
 * only a new case, or one whose time changed, moves (a binary search and one splice).
 */
export class OrderedCases {
  private readonly byId = new Map<string, MirroredCase>();
  private ordered: MirroredCase[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(id: string): MirroredCase | undefined {
    return this.byId.get(id);
  }

  /** Every case, newest received first. */
  inOrder(): readonly MirroredCase[] {
    return this.ordered;
  }

  /** Replaces every case with these (a full load): one sort. */
  replaceAll(entries: Iterable<MirroredCase>): void {
    this.byId.clear();
    for (const entry of entries) this.byId.set(entry.id, entry);
    this.ordered = [...this.byId.values()].sort(newestFirst);
  }

  set(entry: MirroredCase): void {
    const before = this.byId.get(entry.id);
    this.byId.set(entry.id, entry);
    if (before && newestFirst(before, entry) === 0) {
      this.ordered[this.indexOf(before)] = entry;
      return;
    }
    if (before) this.ordered.splice(this.indexOf(before), 1);
    this.ordered.splice(this.insertionPoint(entry), 0, entry);
  }

  delete(id: string): void {
    const before = this.byId.get(id);
    if (!before) return;
    this.byId.delete(id);
    this.ordered.splice(this.indexOf(before), 1);
  }

  /** Keeps only the cases that pass (the copy's bound): one pass. */
  retainOnly(keep: (entry: MirroredCase) => boolean): void {
    for (const [id, entry] of this.byId) if (!keep(entry)) this.byId.delete(id);
    this.ordered = this.ordered.filter((entry) => this.byId.get(entry.id) === entry);
  }

  /** The first position whose case does not come before `entry`. */
  private insertionPoint(entry: MirroredCase): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (newestFirst(this.ordered[mid] as MirroredCase, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Where this case (as the order holds it) stands: ids are unique, so the order is total. */
  private indexOf(entry: MirroredCase): number {
    const at = this.insertionPoint(entry);
    if (this.ordered[at] !== entry) throw new Error(`case ${entry.id} is not where its order puts it`);
    return at;
  }
}

/**
 * The four-level organisation of governance centres: city → county → town → village.
 * Pure data structure; built once from a list of centres and validated so that every
 * escalation (always exactly one level up) has a target.
 */

/** Highest authority first: index 0 is the city. */
export const LEVELS = ['city', 'county', 'town', 'village'] as const;
export type Level = (typeof LEVELS)[number];

/** city 0, county 1, town 2, village 3: a lower rank is a higher authority. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** True when `a` is a strictly higher authority than `b`. */
export function isAbove(a: Level, b: Level): boolean {
  return levelRank(a) < levelRank(b);
}

/** A case's centre path always starts at the city, so its length gives the level. */
export function levelOfPath(path: readonly string[]): Level {
  const level = LEVELS[path.length - 1];
  if (level === undefined) throw new Error(`A centre path must have 1 to ${LEVELS.length} entries, got ${path.length}`);
  return level;
}

export interface Centre {
  id: string;
  name: { zh: string; en: string };
  level: Level;
  parentId: string | null;
}

export class Organisation {
  private readonly byId = new Map<string, Centre>();
  private readonly childIds = new Map<string, string[]>();
  readonly rootId: string;

  constructor(centres: readonly Centre[]) {
    for (const centre of centres) this.addCentre(centre);
    this.rootId = this.validate();
  }

  get(id: string): Centre {
    const centre = this.byId.get(id);
    if (!centre) throw new Error(`Unknown centre: ${id}`);
    return centre;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Every centre, in the order they were given. */
  all(): Centre[] {
    return [...this.byId.values()];
  }

  parentOf(id: string): Centre | null {
    const parentId = this.get(id).parentId;
    return parentId === null ? null : this.get(parentId);
  }

  children(id: string): Centre[] {
    this.get(id);
    return (this.childIds.get(id) ?? []).map((childId) => this.get(childId));
  }

  /** Ancestor ids from the city root down to and including `id`. */
  pathOf(id: string): string[] {
    const path: string[] = [];
    for (let centre: Centre | null = this.get(id); centre; centre = this.parentOf(centre.id)) {
      path.unshift(centre.id);
    }
    return path;
  }

  /** The centre at `level` on the path to `id` (itself if it is at that level); null if `level` is below it. */
  ancestorAtLevel(id: string, level: Level): Centre | null {
    const ancestorId = this.pathOf(id)[levelRank(level)];
    return ancestorId === undefined ? null : this.get(ancestorId);
  }

  /** True when `id` is `rootId` or lies below it. */
  isInSubtree(rootId: string, id: string): boolean {
    return this.has(id) && this.pathOf(id).includes(rootId);
  }

  /** `rootId` and every centre below it, parents before children. */
  subtreeIds(rootId: string): string[] {
    const ids: string[] = [];
    const queue = [rootId];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      ids.push(next);
      queue.push(...this.children(next).map((child) => child.id));
    }
    return ids;
  }

  private addCentre(centre: Centre): void {
    if (this.byId.has(centre.id)) throw new Error(`Duplicate centre id: ${centre.id}`);
    if (!LEVELS.includes(centre.level)) throw new Error(`Centre ${centre.id} has unknown level ${String(centre.level)}`);
    this.byId.set(centre.id, centre);
  }

  /** Checks the tree shape and indexes children; returns the single root's id. */
  private validate(): string {
    const roots: Centre[] = [];
    for (const centre of this.byId.values()) {
      if (centre.parentId === null) roots.push(centre);
      else this.linkToParent(centre, centre.parentId);
    }
    const root = roots[0];
    if (root === undefined) throw new Error('Organisation has no root centre');
    if (roots.length > 1) throw new Error(`Organisation has more than one root: ${roots.map((r) => r.id).join(', ')}`);
    if (root.level !== 'city') throw new Error(`Root centre ${root.id} must be at city level, not ${root.level}`);
    return root.id;
  }

  private linkToParent(centre: Centre, parentId: string): void {
    const parent = this.byId.get(parentId);
    if (!parent) throw new Error(`Centre ${centre.id} has unknown parent ${parentId}`);
    if (levelRank(centre.level) !== levelRank(parent.level) + 1) {
      throw new Error(`Centre ${centre.id} (${centre.level}) must be exactly one level below its parent ${parent.id} (${parent.level})`);
    }
    const siblings = this.childIds.get(parentId) ?? [];
    siblings.push(centre.id);
    this.childIds.set(parentId, siblings);
  }
}

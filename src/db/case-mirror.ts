import type { Logger } from 'pino';
import { findCaseDocument, type Models } from './models';
import { changeHint, readChange } from './case-changes';
import type { CaseIndexEntry } from './case-index';
import type { CaseDocument } from '../domain';
import { OrderedCases } from './ordered-cases';

export { newestFirst } from './ordered-cases';

/** One case as lists, filters, visibility and the dashboard see it: its `case_index` entry, in memory, under `id`. */
export type MirroredCase = Omit<CaseIndexEntry, '_id'> & { id: string };

/**
 * Told after each catch-up that changed cases: the entries as they are now, and the
 * position in the change log the copy has reached (live queues, src/api/live).
 */
export type CaseChangeListener = (changed: readonly MirroredCase[], position: number) => void;

/** Numbers probed at once while catching up, at most. */
const MAX_PROBE = 64;
/** How long a missing number may stay missing, with later ones present, before it is passed over. */
const HOLE_GRACE_MS = 2_000;
/** How long a passed-over number is still looked for (a slow insert may yet land). */
const HOLE_WATCH_MS = 5 * 60_000;
const BACKGROUND_EVERY_MS = 1_000;
/** Full `cases` documents kept for list pages, most recently used last. */
const MAX_CACHED_DOCUMENTS = 2_000;
const DAY_MS = 86_400_000;
/** How often closed cases past the bound are let go. */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * What the copy holds: `recent` keeps the open cases and those closed in the last
 * `closedDays` (the memory read store); `none` keeps nothing and only follows the
 * change log for its listeners (the live queues, when MongoDB's queries serve reads).
 */
export type MirrorRetention = { keep: 'recent'; closedDays: number } | { keep: 'none' };

/**
 * Each API process's copy of `case_index`, kept current by following the case
 * change log (src/db/case-changes.ts) by `_id`.
 *
 * Why: FerretDB's SQLite backend answers any filter but `_id` by decoding every
 * document of the collection, seconds per list or dashboard at 10,000 cases.
 * Here one full read happens at the first use; after that, every read first
 * catches up (one lookup by `_id` when nothing changed) and then filters in
 * memory. A catch-up starts after the read asked for it, so a list requested
 * after an action returned shows that action.
 *
 * Gaps: change numbers are claimed by insert, so a missing number is either an
 * insert still in flight or one that failed (its change is then written again
 * under another number by the retried activity). A number missing for
 * HOLE_GRACE_MS while later ones exist is passed over and looked for again on
 * later catch-ups for HOLE_WATCH_MS.
 */
export class CaseMirror {
  private readonly cases = new OrderedCases();
  private next = 1;
  private loaded = false;
  private loading: Promise<void> | null = null;
  /** A catch-up asked for and not yet started: later askers share it. */
  private queued: Promise<void> | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private missing: { number: number; since: number } | null = null;
  private readonly holes = new Map<number, number>();
  private background: NodeJS.Timeout | null = null;
  /** Full `cases` documents by id, each with the `seq` it was read at. */
  private readonly documents = new Map<string, { seq: number; doc: CaseDocument }>();
  private readonly listeners = new Set<CaseChangeListener>();

  private prunedAt = 0;
  private retention: MirrorRetention = { keep: 'none' };

  /** `retention` is asked for at the first load (the read store is chosen by asking the server). */
  constructor(
    private readonly models: Models,
    private readonly logger: Logger,
    private readonly retentionOf: () => Promise<MirrorRetention> = async () => ({ keep: 'recent', closedDays: 365 }),
  ) {}

  /** Whether the copy keeps this case: open, or closed within the bound. */
  private retains(entry: MirroredCase, now: number): boolean {
    if (this.retention.keep === 'none') return false;
    return entry.status !== 'closed' || entry.closedAt === null || entry.closedAt >= now - this.retention.closedDays * DAY_MS;
  }

  /** The oldest closing time a kept closed case may have; null when the copy keeps nothing. */
  get closedSince(): number | null {
    return this.retention.keep === 'none' ? null : Date.now() - this.retention.closedDays * DAY_MS;
  }

  /** Every case, current as of this call, newest received first. */
  async current(): Promise<readonly MirroredCase[]> {
    if (!this.loaded) {
      this.loading ??= this.load().finally(() => {
        this.loading = null;
      });
      await this.loading;
    }
    await this.catchUp();
    this.startBackground();
    return this.cases.inOrder();
  }

  /** Starts loading the copy, and keeping it current, without waiting for it; a failure is logged and the next read tries again. */
  warm(): void {
    this.current().catch((error: unknown) => this.logger.warn({ err: error }, 'case mirror: loading at start failed; the first read will try again'));
  }

  /** Stops the background catch-up (the process exits anyway; tests and shutdown call it). */
  stop(): void {
    if (this.background) clearInterval(this.background);
    this.background = null;
  }

  /**
   * The full `cases` documents of these ids, in order, skipping any not found.
   * A document is served from memory only while its `seq` is the one the
   * copy holds for the case: the document is written forward only, so the
   * document at a given `seq` never changes. Call after current().
   */
  async documentsOf(ids: readonly string[]): Promise<CaseDocument[]> {
    const docs = await Promise.all(
      ids.map(async (id) => {
        const wanted = this.cases.get(id)?.seq;
        const cached = this.documents.get(id);
        if (cached && cached.seq === wanted) {
          this.documents.delete(id);
          this.documents.set(id, cached);
          return cached.doc;
        }
        const doc = await findCaseDocument(this.models, id);
        if (doc) this.remember(id, doc);
        return doc;
      }),
    );
    return docs.filter((doc): doc is CaseDocument => doc !== null);
  }

  private remember(id: string, doc: CaseDocument): void {
    this.documents.delete(id);
    this.documents.set(id, { seq: doc.seq, doc });
    while (this.documents.size > MAX_CACHED_DOCUMENTS) {
      const oldest = this.documents.keys().next().value as string;
      this.documents.delete(oldest);
    }
  }

  /**
   * Calls `listener` after every catch-up that changed cases (the background one runs each
   * second); returns the function that stops it. A listener's failure is logged, not spread.
   */
  onChange(listener: CaseChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Every case as the copy holds it now, without catching up first (for change listeners). */
  snapshot(): readonly MirroredCase[] {
    return this.cases.inOrder();
  }

  /** How far along the change log the copy is: the last change number it has read. */
  get position(): number {
    return this.next - 1;
  }

  /** Whether the first full read of case_index has completed. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.cases.size;
  }

  private async load(): Promise<void> {
    const started = Date.now();
    this.retention = await this.retentionOf();
    // The hint first: changes made during the read are then read again, which is harmless.
    const hint = await changeHint(this.models);
    const kept: MirroredCase[] = [];
    if (this.retention.keep === 'recent') {
      const now = Date.now();
      const since = now - this.retention.closedDays * DAY_MS;
      const cursor = this.models.CaseIndex.find({ $or: [{ status: { $ne: 'closed' } }, { closedAt: { $gte: since } }] }).lean<CaseIndexEntry[]>().cursor();
      for await (const entry of cursor) {
        const current = mirroredCase(entry as unknown as CaseIndexEntry);
        if (this.retains(current, now)) kept.push(current);
      }
    }
    this.cases.replaceAll(kept);
    this.prunedAt = Date.now();
    this.next = hint + 1;
    this.loaded = true;
    this.logger.info({ cases: this.cases.size, ms: Date.now() - started }, 'case mirror loaded');
  }

  private catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.running.then(() => {
      this.queued = null;
      return this.catchUpOnce();
    });
    this.queued = run;
    this.running = run.catch(() => undefined);
    return run;
  }

  private async catchUpOnce(): Promise<void> {
    const changed = new Set<string>();
    let probe = 1;
    for (;;) {
      const numbers = Array.from({ length: probe }, (_, i) => this.next + i);
      const found = await Promise.all(numbers.map((n) => readChange(this.models, n)));
      let present = 0;
      for (const change of found) {
        if (!change) break;
        if (change.caseId) changed.add(change.caseId);
        present += 1;
      }
      this.next += present;
      if (present < probe) {
        if (!(await this.passOverHole())) break;
        probe = 1;
        continue;
      }
      probe = Math.min(probe * 2, MAX_PROBE);
    }
    await this.lookForHoles(changed);
    await this.refresh(changed);
    this.prune();
  }

  /** Lets go of the cases closed longer ago than the bound, now and then. */
  private prune(): void {
    const now = Date.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    this.cases.retainOnly((entry) => this.retains(entry, now));
  }

  /** At a missing number: passes over it (true) once it has been missing long enough with later numbers present. */
  private async passOverHole(): Promise<boolean> {
    const now = Date.now();
    if (this.missing?.number !== this.next) {
      this.missing = { number: this.next, since: now };
      return false;
    }
    if (now - this.missing.since < HOLE_GRACE_MS) return false;
    const later = Array.from({ length: 16 }, (_, i) => this.next + 1 + i);
    const found = await Promise.all(later.map((n) => readChange(this.models, n)));
    const firstPresent = found.findIndex((change) => change !== null);
    if (firstPresent < 0) return false;
    for (let n = this.next; n < this.next + 1 + firstPresent; n += 1) this.holes.set(n, now);
    this.logger.warn({ from: this.next, count: firstPresent + 1 }, 'case change log: passing over numbers not written yet');
    this.next += 1 + firstPresent;
    this.missing = null;
    return true;
  }

  private async lookForHoles(changed: Set<string>): Promise<void> {
    if (this.holes.size === 0) return;
    const now = Date.now();
    const numbers = [...this.holes.keys()];
    const found = await Promise.all(numbers.map((n) => readChange(this.models, n)));
    numbers.forEach((n, i) => {
      const change = found[i];
      if (change) {
        if (change.caseId) changed.add(change.caseId);
        this.holes.delete(n);
      } else if (now - (this.holes.get(n) ?? now) > HOLE_WATCH_MS) {
        this.holes.delete(n);
      }
    });
  }

  private async refresh(caseIds: Set<string>): Promise<void> {
    const ids = [...caseIds];
    const changed: MirroredCase[] = [];
    const now = Date.now();
    for (let i = 0; i < ids.length; i += MAX_PROBE) {
      const chunk = ids.slice(i, i + MAX_PROBE);
      const entries = await Promise.all(chunk.map((id) => this.models.CaseIndex.findById(id).lean<CaseIndexEntry>()));
      chunk.forEach((id, j) => {
        const entry = entries[j];
        const current = entry ? mirroredCase(entry) : null;
        if (current && this.retains(current, now)) this.cases.set(current);
        else this.cases.delete(id);
        if (current) changed.push(current);
      });
    }
    if (changed.length > 0) this.tell(changed);
  }

  private tell(changed: readonly MirroredCase[]): void {
    for (const listener of this.listeners) {
      try {
        listener(changed, this.position);
      } catch (error) {
        this.logger.warn({ err: error }, 'case mirror: a change listener failed');
      }
    }
  }

  private startBackground(): void {
    if (this.background) return;
    this.background = setInterval(() => {
      this.catchUp().catch((error: unknown) => this.logger.debug({ err: error }, 'case mirror: background catch-up failed'));
    }, BACKGROUND_EVERY_MS);
    this.background.unref();
  }
}

/**
 * An entry written before entries had `heldBy`, `breachedBy`, `unansweredOrders` and `departmentIds` names
 * only its current centre until its next transition rewrites it: a case that never moves
 * again stays invisible to the centres it left, rather than breaking every list.
 */
type LaterFields = 'heldBy' | 'breachedBy' | 'unansweredOrders' | 'departmentIds';
export function mirroredCase(entry: CaseIndexEntry): MirroredCase {
  const e = entry as Omit<CaseIndexEntry, LaterFields> & Partial<Pick<CaseIndexEntry, LaterFields>>;
  const heldBy = e.heldBy ?? [e.centreId];
  // Every field, in one order, whatever order the stored document has (an update adds its
  // new fields last): every copy shares one hidden class, and a pass over a city's cases
  // reads its fields at fixed offsets. `seenBy` serves MongoDB's index; in memory the
  // visibility rule reads the fields themselves.
  return {
    id: e._id,
    caseNumber: e.caseNumber,
    title: e.title,
    category: e.category,
    centreId: e.centreId,
    centrePath: e.centrePath,
    stage: e.stage,
    status: e.status,
    level: e.level,
    risk: e.risk,
    deadline: e.deadline,
    overdue: e.overdue,
    receivedAt: e.receivedAt,
    closedAt: e.closedAt,
    rating: e.rating,
    breached: e.breached,
    breachedBy: e.breachedBy ?? [],
    heldBy,
    complainantId: e.complainantId,
    reportedById: e.reportedById,
    mediatorId: e.mediatorId,
    expertId: e.expertId,
    opinionExpertId: e.opinionExpertId,
    unansweredOrders: e.unansweredOrders ?? [],
    departmentIds: e.departmentIds ?? [],
    workingDepartmentId: e.workingDepartmentId,
    acceptedBy: e.acceptedBy,
    complainantPhoneKey: e.complainantPhoneKey,
    complainantName: e.complainantName,
    description: e.description,
    // The village it was filed to: an entry older than `villageId` opened at its first centre, always a village.
    villageId: e.villageId ?? heldBy[0] ?? null,
    lat: e.lat,
    lng: e.lng,
    duplicateOf: e.duplicateOf,
    seq: e.seq,
    updatedAt: e.updatedAt,
  };
}

/**
 * The read store a process runs: `ONEDOOR_READ_STORE`, or else chosen by asking the
 * server (`buildInfo`): the copy in memory on FerretDB, MongoDB's queries on MongoDB.
 * Chosen at the first read (a server away at start is asked again at the next one) and
 * logged; `/readyz` reports it.
 */
import type { Logger } from 'pino';
import type { Database } from '../../db/connection';
import { CaseMirror, type MirrorRetention } from '../../db/case-mirror';
import type { CaseReads, ReadStoreKind } from './case-reads';
import { MemoryCaseReads } from './memory';
import { QueryCaseReads } from './queries';
import { isFerretDb } from '../../db/server-kind';

export interface ReadStoreSettings {
  readStore: ReadStoreKind | null;
  memoryClosedDays: number;
}

/** Which store serves this server when none is configured. */
export async function defaultReadStoreOf(db: Database): Promise<ReadStoreKind> {
  const handle = db.connection.db;
  if (!handle) throw new Error('database not connected');
  return (await isFerretDb(handle)) ? 'memory' : 'queries';
}

type Delegated = Omit<CaseReads, 'kind'>;

export class ReadStore implements Delegated {
  /** The copy of case_index: the memory store's, and with queries an empty follower of the change log for live queues. */
  readonly mirror: CaseMirror;
  private choice: Promise<CaseReads> | null = null;

  constructor(
    private readonly settings: ReadStoreSettings,
    private readonly db: Database,
    private readonly logger: Logger,
  ) {
    this.mirror = new CaseMirror(db.models, logger, () => this.retention());
  }

  /** The store serving reads, chosen at the first call. */
  chosen(): Promise<CaseReads> {
    this.choice ??= this.choose().catch((error: unknown) => {
      this.choice = null;
      throw error;
    });
    return this.choice;
  }

  async kind(): Promise<ReadStoreKind> {
    return (await this.chosen()).kind;
  }

  private async choose(): Promise<CaseReads> {
    const configured = this.settings.readStore;
    const kind = configured ?? (await defaultReadStoreOf(this.db));
    this.logger.info({ readStore: kind, configured: configured !== null }, kind === 'memory' ? 'read store: a copy of the open and recently closed cases in this process' : "read store: MongoDB's indexed queries");
    return kind === 'memory' ? new MemoryCaseReads(this.mirror, this.db.models) : new QueryCaseReads(this.db.models);
  }

  /**
   * With the memory store, whether the copy has been read whole (waiting for it up to
   * `waitMs`, and starting it if no read has); null with queries, which need no copy.
   * Until then a read would wait for the load, so `/readyz` says not yet.
   */
  async caseCopy(waitMs: number): Promise<'loaded' | 'loading' | null> {
    if ((await this.kind()) !== 'memory') return null;
    if (this.mirror.isLoaded) return 'loaded';
    let timer: NodeJS.Timeout | undefined;
    const loaded = this.mirror.current().then(
      () => true,
      () => false,
    );
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
      timer.unref();
    });
    const done = await Promise.race([loaded, waited]);
    clearTimeout(timer);
    return done ? 'loaded' : 'loading';
  }

  private async retention(): Promise<MirrorRetention> {
    return (await this.kind()) === 'memory' ? { keep: 'recent', closedDays: this.settings.memoryClosedDays } : { keep: 'none' };
  }

  search: CaseReads['search'] = async (...args) => (await this.chosen()).search(...args);
  documentsOf: CaseReads['documentsOf'] = async (...args) => (await this.chosen()).documentsOf(...args);
  idOfNumber: CaseReads['idOfNumber'] = async (...args) => (await this.chosen()).idOfNumber(...args);
  numbersOf: CaseReads['numbersOf'] = async (...args) => (await this.chosen()).numbersOf(...args);
  openUnder: CaseReads['openUnder'] = async (...args) => (await this.chosen()).openUnder(...args);
  dashboard: CaseReads['dashboard'] = async (...args) => (await this.chosen()).dashboard(...args);
  loads: CaseReads['loads'] = async (...args) => (await this.chosen()).loads(...args);
  received: CaseReads['received'] = async (...args) => (await this.chosen()).received(...args);
  duplicatesOf: CaseReads['duplicatesOf'] = async (...args) => (await this.chosen()).duplicatesOf(...args);
  openOfCategorySince: CaseReads['openOfCategorySince'] = async (...args) => (await this.chosen()).openOfCategorySince(...args);
  waitingFor: CaseReads['waitingFor'] = async (...args) => (await this.chosen()).waitingFor(...args);
}

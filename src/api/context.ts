import type { ReadStore } from './reads/store';
import type { CaseMirror } from '../db/case-mirror';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/connection';
import type { TemporalClient } from '../temporal/client';
import type { CaseWorkflows } from '../temporal/cases';
import type { Actor, Level, PathOf, Role } from '../domain';
import type { PersonDirectory } from '../auth/people';
import type { OpenSession } from '../auth/sessions';
import type { SmsGateway } from '../delivery/sms';
import type { OidcSignIn } from '../auth/oidc';

export interface CentreInfo {
  id: string;
  name: { zh: string; en: string };
  level: Level;
  parentId: string | null;
  path: string[];
  /** When it was closed (ISO); a closed centre takes no new cases and no new people. */
  closedAt: string | null;
}

type CentreDoc = { _id: string; name: { zh: string; en: string }; level: string; parentId?: string | null; path: string[]; closedAt?: Date | null };

function infoOf(doc: CentreDoc): CentreInfo {
  return { id: doc._id, name: { zh: doc.name.zh, en: doc.name.en }, level: doc.level as Level, parentId: doc.parentId ?? null, path: [...doc.path], closedAt: doc.closedAt ? doc.closedAt.toISOString() : null };
}

/** Centres change rarely (seeding, the city's administrators); a short-lived in-memory copy spares a query per request. */
export class CentreDirectory {
  private cache: { at: number; byId: Map<string, CentreInfo> } | null = null;
  constructor(
    private readonly db: Database,
    private readonly ttlMs = 30_000,
  ) {}

  async all(): Promise<Map<string, CentreInfo>> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.byId;
    const docs = await this.db.models.Centre.find({}).lean();
    const byId = new Map<string, CentreInfo>();
    for (const doc of docs) byId.set(doc._id, infoOf(doc));
    // An organisation always has its city: an empty answer (a database still starting) is not kept.
    if (byId.size > 0) this.cache = { at: Date.now(), byId };
    return byId;
  }

  /** Each known centre's path, for the rules that need the ancestors of centres a case has left. */
  async paths(): Promise<PathOf> {
    const byId = await this.all();
    return (id) => byId.get(id)?.path;
  }

  async get(id: string): Promise<CentreInfo | null> {
    const byId = await this.all();
    const hit = byId.get(id);
    if (hit) return hit;
    // Seeded after our last read? Look once more by _id.
    const doc = await this.db.models.Centre.findById(id).lean();
    if (!doc) return null;
    this.cache = null;
    return infoOf(doc);
  }

  /**
   * After a change to a centre made through this process: the next read loads them all
   * again. Other API processes see the change when their copy expires (`ttlMs`).
   */
  forget(): void {
    this.cache = null;
  }
}

export interface ApiContext {
  config: Config;
  db: Database;
  temporal: TemporalClient;
  /** The case workflows, through their typed client. */
  cases: CaseWorkflows;
  logger: Logger;
  jwtSecret: string;
  centres: CentreDirectory;
  /** The people behind requests, read from the people collection (cached for seconds). */
  people: PersonDirectory;
  /** Single sign-on, when an OpenID Connect provider is configured. */
  oidc: OidcSignIn | null;
  /** Where sign-in codes are sent; null in production without an SMS provider. */
  sms: SmsGateway | null;
  /** Where every read of many cases goes (src/api/reads): MongoDB's queries or the copy in memory. */
  reads: ReadStore;
  /** The process's follower of the case change log (the live queues), and with the memory store its copy of the cases. */
  caseMirror: CaseMirror;
}

/** The authenticated caller, as the domain's Actor. */
export interface Caller extends Actor {
  personId: string;
  role: Role;
  centreId?: string;
  centrePath?: string[];
  departmentId?: string;
  /** Residents: their phone number's stand-in (src/db/phone-key.ts). */
  phoneKey?: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
    /** The server-side session the request came with (cookie or `ods_` token), if any. */
    session?: OpenSession;
  }
}

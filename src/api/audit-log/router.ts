/** Reading the audit log: who did what to which case or person, when and from where, for administrators of the subtree. */
import { once } from 'node:events';
import type { Response } from 'express';
import type { Document, Filter } from 'mongodb';
import { z } from '../zod';
import { isCaseNumber } from '../../domain';
import { callerOf } from '../auth';
import { requestAddress, writeAudit } from '../audit';
import type { ApiContext, Caller } from '../context';
import { csvRow, UTF8_BOM, type CsvValue } from '../csv';
import { problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { auditExportQuerySchema, auditPageSchema, auditQuerySchema, EXPORT_LIMIT, type AuditEntryView, type AuditFilters } from './schemas';

const TAGS = ['audit'];

/** Whose entries a reader may see: the city's administrators all of them, another administrator those that concern their centre. */
type Reader = { all: true } | { all: false; centreId: string };

function readerOf(caller: Caller): Reader {
  if (caller.role !== 'admin' || caller.centreId === undefined) {
    throw problems.forbidden('The audit log is for administrators', { zh: '审计日志仅供管理员查看。', en: 'The audit log is for administrators.' });
  }
  return caller.centrePath?.length === 1 ? { all: true } : { all: false, centreId: caller.centreId };
}

/** The case a `case` filter names: a case id as it is, a case number looked up. */
async function caseIdOf(ctx: ApiContext, value: string): Promise<string | null> {
  return isCaseNumber(value) ? ctx.reads.idOfNumber(value) : value;
}

/**
 * The query of a reader's filters: on MongoDB each clause has an index to start from
 * (`scope`, `caseId`, `actor.personId`/`subjectId`, each with `at`); FerretDB scans.
 * null when the filters name a case that does not exist.
 */
async function auditFilter(ctx: ApiContext, reader: Reader, filters: AuditFilters): Promise<Filter<Document> | null> {
  const clauses: Filter<Document>[] = [];
  if (!reader.all) clauses.push({ scope: reader.centreId });
  if (filters.case !== undefined) {
    const caseId = await caseIdOf(ctx, filters.case);
    if (caseId === null) return null;
    clauses.push({ caseId });
  }
  if (filters.person !== undefined) clauses.push({ $or: [{ 'actor.personId': filters.person }, { subjectId: filters.person }] });
  if (filters.action !== undefined) clauses.push({ action: filters.action });
  if (filters.outcome !== undefined) clauses.push({ outcome: filters.outcome });
  if (filters.from !== undefined || filters.to !== undefined) {
    clauses.push({ at: { ...(filters.from !== undefined ? { $gte: new Date(filters.from) } : {}), ...(filters.to !== undefined ? { $lt: new Date(filters.to) } : {}) } });
  }
  if (clauses.length === 0) return {};
  return clauses.length === 1 ? (clauses[0] as Filter<Document>) : { $and: clauses };
}

const NEWEST_FIRST = { at: -1, _id: -1 } as const;

interface StoredAudit {
  _id: unknown;
  at: Date;
  actor: { personId?: string; role?: string; centreId?: string | null; anonymous?: boolean };
  action: string;
  caseId?: string | null;
  outcome: string;
  status?: number | null;
  detail?: Record<string, unknown>;
  subjectId?: string | null;
  scope?: string[];
  address?: string | null;
}

/** Names of the people and numbers of the cases a batch of entries mentions, each looked up once (by `_id`, or in memory). */
class Lookups {
  private readonly names = new Map<string, string | null>();
  private readonly numbers = new Map<string, string>();
  constructor(private readonly ctx: ApiContext) {}

  async prepare(docs: readonly StoredAudit[]): Promise<void> {
    const ids = new Set<string>();
    for (const doc of docs) {
      if (doc.actor.personId) ids.add(doc.actor.personId);
      if (doc.subjectId) ids.add(doc.subjectId);
    }
    const missing = [...ids].filter((id) => !this.names.has(id));
    const people = await Promise.all(missing.map((id) => this.ctx.people.get(id)));
    missing.forEach((id, index) => this.names.set(id, people[index]?.name ?? null));
    const caseIds = [...new Set(docs.flatMap((doc) => (doc.caseId ? [doc.caseId] : [])))].filter((id) => !this.numbers.has(id));
    for (const [id, number] of await this.ctx.reads.numbersOf(caseIds)) this.numbers.set(id, number);
  }

  view(doc: StoredAudit): AuditEntryView {
    const actor = doc.actor.personId ? { personId: doc.actor.personId, name: this.names.get(doc.actor.personId) ?? null, role: doc.actor.role ?? '', centreId: doc.actor.centreId ?? null } : null;
    const caseId = doc.caseId ?? null;
    return {
      id: String(doc._id),
      at: new Date(doc.at).toISOString(),
      actor,
      action: doc.action,
      caseId,
      caseNumber: caseId ? (this.numbers.get(caseId) ?? null) : null,
      subject: doc.subjectId ? { personId: doc.subjectId, name: this.names.get(doc.subjectId) ?? null } : null,
      outcome: doc.outcome,
      status: doc.status ?? null,
      address: doc.address ?? null,
      scope: doc.scope ?? [],
      detail: doc.detail ?? {},
    };
  }
}

// ---------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------

const COLUMNS: { en: string; zh: string; value(entry: AuditEntryView, timeZone: string): CsvValue }[] = [
  { en: 'time', zh: '时间', value: (e, tz) => localIso(new Date(e.at), tz) },
  { en: 'actor id', zh: '操作人编号', value: (e) => e.actor?.personId },
  { en: 'actor', zh: '操作人', value: (e) => e.actor?.name },
  { en: 'role', zh: '角色', value: (e) => e.actor?.role },
  { en: 'actor centre', zh: '所属中心', value: (e) => e.actor?.centreId },
  { en: 'action', zh: '操作', value: (e) => e.action },
  { en: 'case number', zh: '案件编号', value: (e) => e.caseNumber },
  { en: 'case id', zh: '案件ID', value: (e) => e.caseId },
  { en: 'person acted upon', zh: '对象编号', value: (e) => e.subject?.personId },
  { en: 'person acted upon (name)', zh: '对象姓名', value: (e) => e.subject?.name },
  { en: 'outcome', zh: '结果', value: (e) => e.outcome },
  { en: 'status', zh: '状态码', value: (e) => e.status },
  { en: 'address', zh: '来源地址', value: (e) => e.address },
  { en: 'detail', zh: '详情', value: (e) => (Object.keys(e.detail).length > 0 ? JSON.stringify(e.detail) : '') },
];

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-12-02T13:48:40+08:00`: the moment as the centres' clocks read it, with its offset, so a spreadsheet shows local time and nothing is ambiguous. */
export function localIso(date: Date, timeZone: string): string {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    zoneFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  const [y, mo, d, h, mi, s] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number) as [number, number, number, number, number, number];
  const offset = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

async function send(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

const BATCH = 500;

/** The export, streamed newest first in batches; at most EXPORT_LIMIT rows, the last line saying so when there were more. */
async function streamCsv(ctx: ApiContext, res: Response, filter: Filter<Document> | null, total: number, lang: 'zh' | 'en'): Promise<number> {
  await send(res, UTF8_BOM + csvRow(COLUMNS.map((column) => column[lang])));
  if (filter === null) return 0;
  const lookups = new Lookups(ctx);
  const cursor = ctx.db.models.Audit.collection.find(filter).sort(NEWEST_FIRST).limit(EXPORT_LIMIT).batchSize(BATCH);
  let rows = 0;
  try {
    let batch: StoredAudit[] = [];
    const flush = async (): Promise<void> => {
      await lookups.prepare(batch);
      await send(res, batch.map((doc) => csvRow(COLUMNS.map((column) => column.value(lookups.view(doc), ctx.config.timeZone)))).join(''));
      rows += batch.length;
      batch = [];
    };
    for await (const doc of cursor) {
      if (res.destroyed) break;
      batch.push(doc as unknown as StoredAudit);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0 && !res.destroyed) await flush();
  } finally {
    await cursor.close();
  }
  if (total > rows && !res.destroyed) {
    const note = lang === 'zh' ? `仅导出最新的 ${rows} 条，共 ${total} 条；请缩小筛选范围后再导出其余记录。` : `Only the newest ${rows} of ${total} entries were exported; narrow the filters to export the rest.`;
    await send(res, csvRow([note]));
  }
  return rows;
}

function fileStamp(now: Date, timeZone: string): string {
  return localIso(now, timeZone).slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}

export function auditLogRoutes(ctx: ApiContext): RouteSpec[] {
  const audit = ctx.db.models.Audit.collection;
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/audit',
      summary: "The audit log of the caller's subtree, newest first: who did what to which case or person, when, from where (administrators)",
      tags: TAGS,
      auth: 'required',
      query: auditQuerySchema,
      responses: { 200: { description: 'A page of entries and how many match', schema: auditPageSchema }, 403: { description: 'Not an administrator' } },
      async handler(req, res, { query }) {
        const reader = readerOf(callerOf(req));
        const filter = await auditFilter(ctx, reader, query);
        if (filter === null) {
          res.json({ items: [], total: 0, offset: query.offset, limit: query.limit });
          return;
        }
        const [docs, total] = await Promise.all([audit.find(filter).sort(NEWEST_FIRST).skip(query.offset).limit(query.limit).toArray(), audit.countDocuments(filter)]);
        const stored = docs as unknown as StoredAudit[];
        const lookups = new Lookups(ctx);
        await lookups.prepare(stored);
        res.json({ items: stored.map((doc) => lookups.view(doc)), total, offset: query.offset, limit: query.limit });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/audit.csv',
      summary: `The same entries as CSV (UTF-8 with a byte order mark, for Excel), newest first, at most ${EXPORT_LIMIT}; X-Total-Count says how many matched, X-Truncated whether some were left out`,
      tags: TAGS,
      auth: 'required',
      query: auditExportQuerySchema,
      responses: { 200: { description: 'The entries as CSV', schema: z.string(), contentType: 'text/csv' }, 403: { description: 'Not an administrator' } },
      async handler(req, res, { query }) {
        const caller = callerOf(req);
        const reader = readerOf(caller);
        const { lang, ...filters } = query;
        const filter = await auditFilter(ctx, reader, filters);
        const total = filter === null ? 0 : await audit.countDocuments(filter);
        res.status(200).set({
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="audit-${fileStamp(new Date(), ctx.config.timeZone)}.csv"`,
          'Cache-Control': 'no-store',
          'X-Total-Count': String(total),
          'X-Truncated': String(total > EXPORT_LIMIT),
        });
        const rows = await streamCsv(ctx, res, filter, total, lang);
        res.end();
        // Taking personal data away is itself recorded.
        await writeAudit(ctx, { actor: caller, action: 'audit.export', outcome: 'ok', status: 200, detail: { filters, rows, total }, scope: caller.centrePath ?? [], address: requestAddress(req) });
      },
    }),
  ];
}

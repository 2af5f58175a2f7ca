/**
 * The staff case list and the dashboard's counts as spreadsheets: CSV (UTF-8 with a byte
 * order mark, as the audit export, src/api/csv.ts) and XLSX (exceljs: numbers stay numbers,
 * times are dates, Chinese needs no encoding guess). Headers and labels in the reader's
 * language (`lang`), the same filters as the list and the dashboard.
 */
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { z } from '../zod';
import { CATEGORIES, partyCountOf, type CategoryCode } from '../../domain';
import { translate, type Lang } from '../../../web/src/i18n';
import { callerOf } from '../auth';
import { requestAddress, writeAudit } from '../audit';
import type { ApiContext, Caller } from '../context';
import { csvRow, UTF8_BOM, type CsvValue } from '../csv';
import { localIso } from '../audit-log/router';
import { problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { listQuerySchema, MAX_PAGE_SIZE, type CaseListItem } from '../cases/schemas';
import { listCases } from '../cases/queries';
import { dashboardFor, dashboardQuerySchema } from '../dashboard/router';
import type { Dashboard } from '../dashboard/schemas';

/** At most this many cases in one export; X-Truncated says when more matched. */
export const CASE_EXPORT_LIMIT = 10_000;

type Format = 'csv' | 'xlsx';
type Kind = 'text' | 'number' | 'time';

export interface Sheet {
  name: string;
  columns: { header: string; kind: Kind; width?: number }[];
  rows: (string | number | null)[][];
}

const langSchema = z.enum(['zh', 'en']).default('zh').openapi({ description: 'The language of headers and labels' });
const caseExportQuery = listQuerySchema.omit({ page: true, pageSize: true }).extend({ lang: langSchema });
const dashboardExportQuery = dashboardQuerySchema.extend({ lang: langSchema });

export function toCsv(sheet: Sheet, timeZone: string): string {
  const cell = (value: string | number | null, kind: Kind): CsvValue => (value !== null && kind === 'time' ? localIso(new Date(String(value)), timeZone) : value);
  return UTF8_BOM + csvRow(sheet.columns.map((c) => c.header)) + sheet.rows.map((row) => csvRow(row.map((v, i) => cell(v, sheet.columns[i]!.kind)))).join('');
}

/** Offset of the zone at `date`, in minutes east of UTC. */
function offsetMinutes(date: Date, timeZone: string): number {
  const local = localIso(date, timeZone);
  const sign = local.slice(-6, -5) === '-' ? -1 : 1;
  return sign * (Number(local.slice(-5, -3)) * 60 + Number(local.slice(-2)));
}

export async function toXlsx(sheet: Sheet, timeZone: string): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'onedoor';
  const ws = book.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = sheet.columns.map((c) => ({ header: c.header, width: c.width ?? (c.kind === 'time' ? 18 : 14) }));
  ws.getRow(1).font = { bold: true };
  for (const row of sheet.rows) {
    ws.addRow(
      row.map((value, i) => {
        if (value === null) return null;
        // Excel's dates have no zone: write the centres' wall-clock time.
        if (sheet.columns[i]!.kind === 'time') {
          const at = new Date(String(value));
          return new Date(at.getTime() + offsetMinutes(at, timeZone) * 60_000);
        }
        return value;
      }),
    );
  }
  sheet.columns.forEach((c, i) => {
    const column = ws.getColumn(i + 1);
    if (c.kind === 'time') column.numFmt = 'yyyy-mm-dd hh:mm';
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

async function sendSheet(ctx: ApiContext, res: Response, sheet: Sheet, format: Format, basename: string, headers: Record<string, string> = {}): Promise<void> {
  const stamp = localIso(new Date(), ctx.config.timeZone).slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const body = format === 'csv' ? toCsv(sheet, ctx.config.timeZone) : await toXlsx(sheet, ctx.config.timeZone);
  res.status(200).set({ 'Content-Type': CONTENT_TYPES[format], 'Content-Disposition': `attachment; filename="${basename}-${stamp}.${format}"`, 'Cache-Control': 'no-store', ...headers });
  res.end(body);
}

function staffOnly(caller: Caller): void {
  if (caller.role === 'resident') throw problems.forbidden('Exports are for centre staff', { zh: '导出仅供中心工作人员使用。', en: 'Exports are for centre staff.' });
}

// ---------------------------------------------------------------------------------------
// The case list
// ---------------------------------------------------------------------------------------

export function caseSheet(items: readonly CaseListItem[], lang: Lang, centreName: (id: string) => string): Sheet {
  const t = (key: string) => translate(lang, key);
  const h = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  return {
    name: h('案件', 'Cases'),
    columns: [
      { header: h('案件编号', 'Case number'), kind: 'text', width: 22 },
      { header: h('标题', 'Title'), kind: 'text', width: 36 },
      { header: h('类别', 'Category'), kind: 'text', width: 16 },
      { header: h('阶段', 'Stage'), kind: 'text' },
      { header: h('状态', 'Status'), kind: 'text' },
      { header: h('办理中心', 'Centre'), kind: 'text', width: 20 },
      { header: h('层级', 'Level'), kind: 'text' },
      { header: h('风险', 'Risk'), kind: 'text' },
      { header: h('逾期', 'Overdue'), kind: 'text' },
      { header: h('时限', 'Deadline'), kind: 'time' },
      { header: h('调解员', 'Mediator'), kind: 'text' },
      { header: h('当事人数', 'Parties'), kind: 'number' },
      { header: h('受理时间', 'Received'), kind: 'time' },
      { header: h('办结时间', 'Closed'), kind: 'time' },
      { header: h('满意度评分', 'Rating'), kind: 'number' },
    ],
    rows: items.map((c) => [
      c.caseNumber,
      c.title,
      CATEGORIES[c.category as CategoryCode]?.name[lang] ?? c.category,
      t(`stage.${c.stage}`),
      t(`status.${c.status}`),
      centreName(c.centreId),
      t(`level.${c.level}`),
      t(`risk.${c.risk}`),
      c.overdue ? h('是', 'yes') : h('否', 'no'),
      c.deadline,
      c.mediator ? (c.mediator.name ?? c.mediator.id) : null,
      c.kind === 'dispute' ? partyCountOf(c.complainant.name, c.parties) : null,
      c.receivedAt,
      c.closedAt,
      c.rating,
    ]),
  };
}

/** Every case the list would show for these filters, newest first, up to the limit. */
async function allListed(ctx: ApiContext, caller: Caller, filters: z.output<typeof caseExportQuery>): Promise<{ items: CaseListItem[]; total: number }> {
  const { lang: _lang, ...query } = filters;
  const items: CaseListItem[] = [];
  let total = 0;
  for (let page = 1; items.length < CASE_EXPORT_LIMIT; page++) {
    const answer = await listCases(ctx, caller, { ...query, page, pageSize: MAX_PAGE_SIZE });
    total = answer.total;
    items.push(...answer.items);
    if (answer.items.length < MAX_PAGE_SIZE) break;
  }
  return { items: items.slice(0, CASE_EXPORT_LIMIT), total };
}

// ---------------------------------------------------------------------------------------
// The dashboard
// ---------------------------------------------------------------------------------------

export function dashboardSheet(d: Dashboard, lang: Lang, centreName: (id: string) => string): Sheet {
  const t = (key: string) => translate(lang, key);
  const h = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  const rows: (string | number | null)[][] = [];
  const add = (measure: string, item: string, value: number | null, unit = '') => rows.push([measure, item, value, unit]);
  add(h('办理中', 'Open'), h('合计', 'total'), d.open);
  add(h('已办结', 'Closed'), h('合计', 'total'), d.closed);
  for (const [stage, n] of Object.entries(d.byStage)) add(h('按阶段', 'By stage'), t(`stage.${stage}`), n);
  for (const [level, n] of Object.entries(d.byLevel)) add(h('按层级', 'By level'), t(`level.${level}`), n);
  for (const [risk, n] of Object.entries(d.byRisk)) add(h('按风险', 'By risk'), t(`risk.${risk}`), n);
  add(h('逾期案件', 'Overdue cases'), h('合计', 'total'), d.overdue.count);
  add(h('错过时限', 'Missed deadlines'), h('案件数', 'cases'), d.missedDeadlines.count);
  add(h('待回复督办', 'Supervision orders awaiting a reply'), h('合计', 'total'), d.unansweredOrders.count);
  add(h('待回复督办', 'Supervision orders awaiting a reply'), h('已逾期', 'lapsed'), d.unansweredOrders.lapsed);
  add(h('办结用时中位数', 'Median time to close'), '', d.medianTimeToCloseMs === null ? null : Math.round((d.medianTimeToCloseMs / 3_600_000) * 10) / 10, h('小时', 'hours'));
  const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);
  add(h('按时办结比例', 'Closed on time'), '', percent(d.closedOnTimeShare), '%');
  add(h('满意度', 'Satisfaction'), h('评价数', 'ratings'), d.satisfaction.rated);
  add(h('满意度', 'Satisfaction'), h('平均分', 'average'), d.satisfaction.average === null ? null : Math.round(d.satisfaction.average * 100) / 100, h('分（满分 5）', 'of 5'));
  add(h('满意度', 'Satisfaction'), h('满意比例', 'satisfied share'), percent(d.satisfaction.satisfiedShare), '%');
  return {
    name: `${h('统计', 'Dashboard')} ${centreName(d.centreId)}`.slice(0, 31),
    columns: [
      { header: h('指标', 'Measure'), kind: 'text', width: 24 },
      { header: h('分项', 'Item'), kind: 'text', width: 18 },
      { header: h('数值', 'Value'), kind: 'number' },
      { header: h('单位', 'Unit'), kind: 'text' },
    ],
    rows,
  };
}

export function exportRoutes(ctx: ApiContext): RouteSpec[] {
  const centreNames = async (lang: Lang) => {
    const centres = await ctx.centres.all();
    return (id: string) => centres.get(id)?.name[lang] ?? id;
  };
  const caseExport = (format: Format) =>
    defineRoute({
      method: 'get',
      path: `/api/v1/cases.${format}`,
      summary: `The staff case list as ${format.toUpperCase()}: the same filters as GET /api/v1/cases, every page, newest first, at most ${CASE_EXPORT_LIMIT} (X-Total-Count, X-Truncated)`,
      tags: ['cases'],
      auth: 'required',
      query: caseExportQuery,
      responses: { 200: { description: 'The cases', schema: z.string(), contentType: CONTENT_TYPES[format].split(';')[0]! }, 403: { description: 'Not centre staff' } },
      async handler(req, res, { query }) {
        const caller = callerOf(req);
        staffOnly(caller);
        const { items, total } = await allListed(ctx, caller, query);
        const sheet = caseSheet(items, query.lang, await centreNames(query.lang));
        await sendSheet(ctx, res, sheet, format, 'cases', { 'X-Total-Count': String(total), 'X-Truncated': String(total > items.length) });
        const { lang: _lang, ...filters } = query;
        await writeAudit(ctx, { actor: caller, action: 'cases.export', outcome: 'ok', status: 200, detail: { format, filters, rows: items.length, total }, scope: caller.centrePath ?? [], address: requestAddress(req) });
      },
    });
  const dashboardExport = (format: Format) =>
    defineRoute({
      method: 'get',
      path: `/api/v1/dashboard.${format}`,
      summary: `The dashboard's counts as ${format.toUpperCase()}, for the same centre as GET /api/v1/dashboard`,
      tags: ['dashboard'],
      auth: 'required',
      query: dashboardExportQuery,
      responses: { 200: { description: 'The counts', schema: z.string(), contentType: CONTENT_TYPES[format].split(';')[0]! }, 403: { description: 'Not staff, or a centre outside the caller’s area' }, 404: { description: 'Unknown centre' } },
      async handler(req, res, { query }) {
        const dashboard = await dashboardFor(ctx, callerOf(req), query.centreId);
        await sendSheet(ctx, res, dashboardSheet(dashboard, query.lang, await centreNames(query.lang)), format, `dashboard-${dashboard.centreId}`);
      },
    });
  return [caseExport('csv'), caseExport('xlsx'), dashboardExport('csv'), dashboardExport('xlsx')];
}

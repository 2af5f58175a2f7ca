/**
 * The scale run: the reads, an API process's memory and its start-up, at each
 * number of stored cases (written directly, as for the read figures), once with
 * each read store (src/api/reads/store.ts). Each store gets an API process of its
 * own, started after the cases are stored, so its start-up and memory are those
 * of a process meeting that many cases.
 */
import type { CaseDocument } from '../src/domain';
import type { ReadStoreKind } from '../src/api/reads/case-reads';
import { HttpClient } from './lib/http';
import { rssMiB } from './lib/machine';
import { runBounded, type Summary } from './lib/stats';
import { readSet, seedProjections, type Ctx } from './scenarios';

export const READ_STORES: readonly ReadStoreKind[] = ['memory', 'queries'];

export interface ScaleRow {
  stored: number;
  store: ReadStoreKind;
  /** From the spawn until `/readyz` answered 200. */
  readyMs: number;
  /** The first list after that (the memory store reads its copy on its first read). */
  firstListMs: number;
  firstListStatus: number;
  /** The API's RSS once ready, and after every read of the set. */
  rssReadyMiB: number | null;
  rssAfterMiB: number | null;
  /** One client; a read slower than the API's request deadline counts as an error. */
  reads: { name: string; api: Summary }[];
}

export async function scale(ctx: Ctx, template: CaseDocument, sizes: readonly number[], ops: number, budgetMs: number): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  const ids: string[] = [];
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const stored = await ctx.stack.db.models.Case.estimatedDocumentCount();
    if (stored < size) ids.push(...(await seedProjections(ctx, size - stored, template, stored)));
    const total = await ctx.stack.db.models.Case.estimatedDocumentCount();
    await stackCaughtUp(ctx, total);
    for (const store of READ_STORES) rows.push(await measureStore(ctx, store, total, ids, ops, budgetMs));
  }
  return rows;
}

/**
 * Waits until the stack's own API (the memory store) lists every stored case: until then it
 * is catching up with the change notices of the cases just written, tens of thousands of
 * lookups that would share FerretDB with the process being measured.
 */
async function stackCaughtUp(ctx: Ctx, total: number): Promise<void> {
  const city = ctx.tokens.for('p-zz-admin');
  const started = performance.now();
  let reported = started;
  for (;;) {
    const listed = await ctx.http.expect<{ total: number }>(200, 'GET', '/api/v1/cases?pageSize=1', city).catch(() => ({ total: 0 }));
    if (listed.total >= total) break;
    if (performance.now() - reported > 10_000) {
      ctx.progress(`  the stack's API has caught up with ${listed.total} of ${total} cases`);
      reported = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  ctx.progress(`  the stack's API caught up with ${total} cases in ${Math.round((performance.now() - started) / 1000)} s`);
}

async function measureStore(ctx: Ctx, store: ReadStoreKind, stored: number, ids: string[], ops: number, budgetMs: number): Promise<ScaleRow> {
  ctx.progress(`scale: an API process with the ${store} read store at ${stored} stored cases`);
  const api = await ctx.stack.startApi({ ONEDOOR_READ_STORE: store }, `api-${store}`);
  const http = new HttpClient(api.url);
  try {
    const pid = api.child.process.pid;
    const rssReadyMiB = rssMiB(pid);
    const city = ctx.tokens.for('p-zz-admin');
    const t0 = performance.now();
    const first = await http.request('GET', '/api/v1/cases?pageSize=20', city);
    const firstListMs = Math.round(performance.now() - t0);
    const reads: ScaleRow['reads'] = [];
    for (const read of await readSet({ ...ctx, http }, ids)) {
      await read.api(0).catch(() => undefined); // warm, and a read too slow to answer once is still measured below
      const summary = await runBounded(ops, 1, async (i) => void (await read.api(i)), undefined, budgetMs);
      reads.push({ name: read.name, api: summary });
      ctx.progress(`  ${store} at ${stored}: ${read.name} p50 ${summary.p50} p99 ${summary.p99} ms${summary.errors ? `, ${summary.errors} errors` : ''}`);
    }
    const row: ScaleRow = { stored, store, readyMs: Math.round(api.readyAfterMs), firstListMs, firstListStatus: first.status, rssReadyMiB, rssAfterMiB: rssMiB(pid), reads };
    ctx.progress(`  ${store} at ${stored}: ready in ${row.readyMs} ms, first list ${firstListMs} ms (${first.status}); RSS ${rssReadyMiB} → ${row.rssAfterMiB} MiB`);
    return row;
  } finally {
    http.close();
    await api.child.stop();
  }
}

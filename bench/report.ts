import type { BenchResult } from './run';
import type { Summary } from './lib/stats';
import type { CpuUse } from './scenarios';

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

/** Issue 6's targets against this run's figures (null: not measured in this run, or at a smaller size). */
export function evaluateTargets(r: BenchResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const intake16 = r.intake?.find((row) => row.concurrency === 16);
  checks.push({
    target: 'intake at concurrency 16 ≥ 80 % of its ceiling',
    measured: intake16 ? `${Math.round(intake16.share * 100)} % (${intake16.api.perSecond}/s of ${intake16.ceiling.perSecond}/s)` : 'not run',
    met: intake16 ? intake16.share >= 0.8 : null,
  });
  const act16 = r.actions?.find((row) => row.concurrency === 16);
  checks.push({ target: 'action p99 ≤ 100 ms at concurrency 16', measured: act16 ? `${act16.api.p99} ms` : 'not run', met: act16 ? act16.api.p99 <= 100 : null });
  const e = r.escalation;
  const full = e !== undefined && e.cases >= 2000;
  checks.push({
    target: 'escalation lateness p99 < 2 s at 2,000 simultaneous deadlines, none missed or doubled',
    measured: e ? `p99 ${e.lateness.p99} ms at ${e.cases}; missed ${e.missed}, doubled ${e.doubled}` : 'not run',
    met: e && full ? e.lateness.p99 < 2000 && e.missed === 0 && e.doubled === 0 : null,
  });
  const m = e?.memoryOpen;
  checks.push({
    target: 'worker RSS < 400 MB with 2,000 open cases',
    measured: m ? `${m.workerRssMiB} MiB with ${m.openCases} open` : 'not run',
    met: m && m.openCases >= 2000 && m.workerRssMiB !== null ? m.workerRssMiB * 1.048576 < 400 : null,
  });
  const reads1 = r.reads?.rows.filter((row) => row.concurrency === 1) ?? [];
  const worst = reads1.reduce<number | null>((w, row) => (w === null || row.api.p99 > w ? row.api.p99 : w), null);
  checks.push({
    target: 'read p99 < 50 ms at 10,000 cases (one client)',
    measured: worst === null ? 'not run' : `worst p99 ${worst} ms at ${r.reads?.stored} cases`,
    met: worst !== null && (r.reads?.stored ?? 0) >= 10_000 ? worst < 50 : null,
  });
  checks.push(...scaleTargets(r));
  return checks;
}

/** Issue 19's: the queries store's memory and start-up flat in the number of cases, the memory store's reads fast at 100,000. */
function scaleTargets(r: BenchResult): TargetCheck[] {
  const rows = r.scale ?? [];
  const queries = rows.filter((row) => row.store === 'queries').sort((a, b) => a.stored - b.stored);
  const [small, large] = [queries[0], queries[queries.length - 1]];
  const spread = small && large && small !== large && small.rssAfterMiB !== null && large.rssAfterMiB !== null ? large.rssAfterMiB / small.rssAfterMiB - 1 : null;
  const memoryLarge = rows.filter((row) => row.store === 'memory' && row.stored >= 100_000).sort((a, b) => b.stored - a.stored)[0];
  const worst = memoryLarge ? Math.max(...memoryLarge.reads.map((read) => read.api.p99)) : null;
  return [
    {
      target: 'queries: API RSS at 100,000 stored cases within 10 % of its RSS at 10,000',
      measured: spread === null || !small || !large ? 'not run' : `${small.rssAfterMiB} MiB at ${small.stored}, ${large.rssAfterMiB} MiB at ${large.stored} (${Math.round(spread * 100)} %); ready in ${small.readyMs} and ${large.readyMs} ms`,
      met: spread !== null && small && large && small.stored <= 10_000 && large.stored >= 100_000 ? spread <= 0.1 : null,
    },
    {
      target: 'memory: read p99 < 50 ms at 100,000 stored cases (one client)',
      measured: worst === null || !memoryLarge ? 'not run' : `worst p99 ${worst} ms at ${memoryLarge.stored}`,
      met: worst === null ? null : worst < 50 && memoryLarge!.reads.every((read) => read.api.errors === 0),
    },
  ];
}

const lat = (s: Summary) => `${s.p50} / ${s.p95} / ${s.p99}`;
const errs = (s: Summary) => (s.errors > 0 ? ` (${s.errors} errors)` : '');
const mark = (met: boolean | null) => (met === null ? '—' : met ? 'met' : '**missed**');

export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`## Bench run ${m.date} (${r.kind})`, '');
  out.push(
    `Machine: ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB; Node ${m.node}; Temporal CLI ${m.temporalCli}; FerretDB ${m.ferretdb}. ` +
      `Load average at start ${m.loadAverageAtStart.join(' ')}${m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.join(' ')}` : ''}. ` +
      `Took ${r.durationSeconds ?? '?'} s. Open cases for escalation/memory: ${r.options.cases}; stored cases for reads: ${r.options.reads}.`,
    '',
  );
  out.push('| target | measured | |', '| --- | --- | --- |');
  for (const c of evaluateTargets(r)) out.push(`| ${c.target} | ${c.measured} | ${mark(c.met)} |`);
  out.push('');
  if (r.intake) {
    out.push('**Intake** — `POST /api/v1/cases` vs bare `workflow.start` + one insert (ceiling); each side pooled over its rounds, which alternate which side goes first', '');
    out.push('| concurrency | API cases/s | API p50 / p95 / p99 ms | ceiling cases/s | ceiling p50 / p95 / p99 ms | API / ceiling | each round |', '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of r.intake) {
      const rounds = (row.roundShares ?? []).map((share) => `${Math.round(share * 100)} %`).join(', ');
      out.push(`| ${row.concurrency} | ${row.api.perSecond}${errs(row.api)} | ${lat(row.api)} | ${row.ceiling.perSecond}${errs(row.ceiling)} | ${lat(row.ceiling)} | ${Math.round(row.share * 100)} % | ${rounds} |`);
    }
    out.push('', 'CPU ms per case, API side / ceiling side (requests plus the worker recording the cases):', '');
    out.push('| concurrency | API process | worker | Temporal | FerretDB | load generator |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of r.intake) {
      if (row.apiCpuMsPerCase && row.ceilingCpuMsPerCase) out.push(cpuRow(row.concurrency, row.apiCpuMsPerCase, row.ceilingCpuMsPerCase));
    }
    out.push('');
  }
  if (r.actions) {
    out.push('**Actions** — `POST /cases/:id/actions` (an Update through the worker, one activity) vs a bare Update on a trivial workflow', '');
    out.push('| concurrency | actions | API p50 / p95 / p99 ms | API actions/s | bare Update p50 / p95 / p99 ms | bare updates/s |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of r.actions) out.push(`| ${row.concurrency} | ${row.api.count}${errs(row.api)} | ${lat(row.api)} | ${row.api.perSecond} | ${lat(row.ceiling)} | ${row.ceiling.perSecond} |`);
    const measured = r.actions.filter((row) => row.apiCpuMsPerAction && row.ceilingCpuMsPerAction);
    if (measured.length > 0) {
      out.push('', 'CPU ms per action, API side / bare Update side (the worker column is the trivial workflows\' worker on the bare side):', '');
      out.push('| concurrency | API process | worker | Temporal | FerretDB | load generator |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const row of measured) out.push(cpuRow(row.concurrency, row.apiCpuMsPerAction as CpuUse, row.ceilingCpuMsPerAction as CpuUse));
    }
    out.push('');
  }
  if (r.escalation) {
    const e = r.escalation;
    out.push(`**Escalation precision** — ${e.cases} open cases, one shared intake deadline (started in ${e.startSeconds} s, the last ${e.slackSeconds} s before the deadline; ${e.recordedAtDeadline} recorded by then)`, '');
    out.push('| | count | lateness p50 ms | p99 ms | max ms | missed | doubled |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    out.push(`| automatic escalations (event \`at\` − visit deadline) | ${e.escalated} | ${e.lateness.p50} | ${e.lateness.p99} | ${e.lateness.max} | ${e.missed} | ${e.doubled} |`);
    out.push(`| ceiling: bare timer workflows, one deadline | ${e.ceiling.count} | ${e.ceiling.p50} | ${e.ceiling.p99} | ${e.ceiling.max} | | |`);
    out.push('', e.missed === 0 ? `Every escalation was visible in MongoDB ${e.allVisibleAfterSeconds} s after the deadline.` : `Watched for ${e.observedSeconds} s after the deadline: ${e.missed} cases had not escalated by then (missed = not within that window); the last one seen appeared after ${e.allVisibleAfterSeconds} s.`, '');
    if (e.cpuMsPerEscalation && e.ceilingCpuMsPerTimer) {
      out.push('CPU ms per escalation / per bare timer, from the deadline until the last one (the worker column is the trivial workflows\' worker for the timers; the bench\'s scans of case_events every 10 s are in FerretDB\'s and the load generator\'s figures):', '');
      out.push('| cases | API process | worker | Temporal | FerretDB | load generator |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
      out.push(cpuRow(e.cases, e.cpuMsPerEscalation, e.ceilingCpuMsPerTimer), '');
    }
  }
  if (r.lifecycle) {
    const l = r.lifecycle;
    out.push(`**Lifecycle** — docs/domain.md, case 2 through all seven stages (intake + ${l.actionsPerCase} actions by five people), ${l.concurrency} cases at a time`, '');
    out.push('| | cases | cases/min | seconds per case p50 / p95 / p99 |', '| --- | ---: | ---: | ---: |');
    out.push(`| through the API | ${l.cases}${l.errors ? ` (${l.errors} errors)` : ''} | ${l.casesPerMinute} | ${lat(l.caseSeconds)} |`);
    out.push(`| ceiling: trivial workflow, start + ${l.actionsPerCase} bare Updates | ${l.cases} | ${l.ceilingCasesPerMinute} | ${lat(l.ceilingCaseSeconds)} |`);
    out.push('');
  }
  const mem = [r.memoryIdle, r.escalation?.memoryBefore, r.escalation?.memoryOpen, r.memoryAfter].filter((x) => x !== undefined);
  if (mem.length > 0) {
    out.push('**Memory** (MiB; RSS from /proc, heap from the worker process)', '');
    out.push('| when | open cases | worker RSS | worker heap used / total | Temporal dev server RSS | FerretDB RSS | API RSS |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of mem) out.push(`| ${row.label} | ${row.openCases} | ${row.workerRssMiB} | ${row.workerHeapUsedMiB} / ${row.workerHeapTotalMiB} | ${row.temporalRssMiB ?? 'external'} | ${row.ferretdbRssMiB ?? 'external'} | ${row.apiRssMiB} |`);
    out.push('');
  }
  if (r.reads) {
    out.push(`**Reads** — ${r.reads.stored} cases stored (projections written directly), vs the database round trips the API cannot avoid, from the driver (ceiling: one change-log lookup, plus the page's cases by \`_id\` for lists, each event by \`_id\` for the timeline)`, '');
    out.push('| request | concurrency | requests | API p50 / p95 / p99 ms | API req/s | bare MongoDB p50 / p95 / p99 ms |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const row of r.reads.rows) out.push(`| ${row.name} | ${row.concurrency} | ${row.api.count} | ${lat(row.api)}${errs(row.api)} | ${row.api.perSecond} | ${lat(row.ceiling)} |`);
    out.push('');
  }
  if (r.scale && r.scale.length > 0) {
    out.push('**Scale** — an API process of its own for each read store at each number of stored cases (projections written directly); one client; a read past the API\'s request deadline counts as an error', '');
    out.push('| stored | store | ready ms | first list ms | RSS ready / after reads MiB |', '| ---: | --- | ---: | ---: | ---: |');
    for (const row of r.scale) out.push(`| ${row.stored} | ${row.store} | ${row.readyMs} | ${row.firstListMs}${row.firstListStatus === 200 ? '' : ` (${row.firstListStatus})`} | ${row.rssReadyMiB} / ${row.rssAfterMiB} |`);
    out.push('', '| request | ' + r.scale.map((row) => `${row.store} at ${row.stored}: p50 / p99 ms`).join(' | ') + ' |', `| --- | ${r.scale.map(() => '---:').join(' | ')} |`);
    for (const [i, read] of (r.scale[0]?.reads ?? []).entries()) {
      out.push(`| ${read.name} | ${r.scale.map((row) => { const s = row.reads[i]?.api; if (!s) return '—'; const figures = s.count > 0 ? `${s.p50} / ${s.p99}` : '—'; return `${figures}${s.errors ? ` (${s.errors} of ${s.count + s.errors} failed)` : ''}`; }).join(' | ')} |`);
    }
    out.push('');
  }
  if (r.failures.length > 0) {
    out.push('**Failures**', '');
    for (const f of r.failures) out.push(`- ${f.scenario}: ${f.error}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

/** One row of a CPU table: each process's ms per operation, the measured side / its ceiling. */
function cpuRow(concurrency: number, a: CpuUse, c: CpuUse): string {
  const pair = (x: number | null, y: number | null) => `${x ?? '?'} / ${y ?? '?'}`;
  return `| ${concurrency} | ${pair(a.api, c.api)} | ${pair(a.worker, c.worker)} | ${pair(a.temporal, c.temporal)} | ${pair(a.ferretdb, c.ferretdb)} | ${pair(a.driver, c.driver)} |`;
}

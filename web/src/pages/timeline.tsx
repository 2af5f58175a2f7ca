import { useDepartmentName } from '../departments';
import { api, LEVELS, type HandlingSpanView, type Timeline, type TimelineEvent } from '../api';
import { ErrorBanner, formatDate, formatDuration, Link, LEVEL_COLOURS, useApp, useLoad, type AppState } from '../app';
import { orderReason, policyLabel, spanText } from './clocks';
import { EVENT_PERSON_KEYS } from '../../../src/domain/lifecycle';
import { TimelineHandoffs } from './documents';

const ms = (iso: string) => new Date(iso).getTime();

/** The handling limit a visit ran under: the one of its centre that had started by then and not ended. */
function handlingOf(timeline: Timeline, visit: Timeline['stages'][number]): HandlingSpanView | undefined {
  const at = ms(visit.enteredAt);
  return timeline.handling.find((h) => h.centreId === visit.centreId && ms(h.startedAt) <= at && (h.endedAt === null || at < ms(h.endedAt)));
}

/** One bar per stage visit on a time axis, coloured by level; deadlines as ticks; breaches in red. */
export function TimelineChart(props: { timeline: Timeline; now: number }) {
  const { t, lang, centreName } = useApp();
  const visits = props.timeline.stages;
  if (visits.length === 0) return null;
  const start = Math.min(...visits.map((v) => ms(v.enteredAt)));
  const end = Math.max(...visits.map((v) => (v.leftAt ? ms(v.leftAt) : props.now)), start + 1000);
  // Deadlines a little past the last bar fit on the chart; far ones are marked at its edge.
  const span = end - start;
  const reach = end + span * 0.5;
  const deadlines = [...visits.map((v) => v.deadline), ...props.timeline.handling.map((h) => h.deadline)].filter((d): d is string => d !== null).map(ms);
  const domainEnd = Math.max(end + span * 0.05, ...deadlines.map((d) => (d <= reach ? d : 0)));
  const labelW = 190;
  const plotW = 620;
  const rowH = 30;
  const top = 26;
  const height = top + visits.length * rowH + 8;
  const x = (time: number) => labelW + ((time - start) / (domainEnd - start)) * plotW;
  const ticks = Array.from({ length: 5 }, (_, i) => start + ((domainEnd - start) * i) / 4);
  const tickLabel = (time: number) =>
    new Date(time).toLocaleTimeString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return (
    <div class="timeline-chart" data-testid="timeline-chart">
      <p class="swipe-hint">{t('tl.swipe')}</p>
      <svg viewBox={`0 0 ${labelW + plotW + 30} ${height}`} width="100%" role="img" aria-label={t('case.timeline')} data-testid="timeline-svg">
        <defs>
          <pattern id="breach" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="3" height="6" fill="#d32f2f" />
          </pattern>
        </defs>
        {ticks.map((tick, i) => (
          <g key={i}>
            <line x1={x(tick)} x2={x(tick)} y1={top - 6} y2={height} class="grid-line" />
            <text x={x(tick)} y={top - 10} text-anchor={i === 0 ? 'start' : i === 4 ? 'end' : 'middle'} class="tick">
              {tickLabel(tick)}
            </text>
          </g>
        ))}
        {visits.map((v, i) => {
          const y = top + i * rowH;
          const from = ms(v.enteredAt);
          const to = v.leftAt ? ms(v.leftAt) : props.now;
          const bx = x(from);
          const bw = Math.max(3, x(to) - bx);
          const deadline = v.deadline ? ms(v.deadline) : null;
          const colour = LEVEL_COLOURS[v.level] ?? '#777';
          const handling = handlingOf(props.timeline, v);
          const handlingAt = handling?.deadline ? ms(handling.deadline) : null;
          const title = `${t(`stage.${v.stage}`)} · ${centreName(v.centreId)} · ${formatDate(v.enteredAt, lang)} → ${v.leftAt ? formatDate(v.leftAt, lang) : t('tl.ongoing')}${
            v.durationMs !== null ? ` (${formatDuration(v.durationMs, t)})` : ''
          }${v.deadline ? ` · ${t('tl.deadline')} ${formatDate(v.deadline, lang)}` : ''}${
            handling && handlingAt !== null ? ` · ${t('tl.handling')} ${spanText(handling.limit, t)} → ${formatDate(handling.deadline, lang)}` : ''
          }${v.breached ? ` · ${t('tl.breached')}` : ''}`;
          return (
            <g key={i} class={`visit${v.breached ? ' breached' : ''}`} data-stage={v.stage} data-level={v.level} data-breached={String(v.breached)}>
              <title>{title}</title>
              <text x={8} y={y + 19} class="row-label">
                {t(`stage.${v.stage}`)}
              </text>
              <text x={labelW - 8} y={y + 19} text-anchor="end" class="row-sub">
                {t(`level.${v.level}`)}
              </text>
              <rect x={bx} y={y + 6} width={bw} height={rowH - 12} rx="3" fill={colour} opacity={v.leftAt ? 0.9 : 0.6} />
              {v.breached && deadline !== null && deadline < to && (
                <rect x={x(deadline)} y={y + 6} width={Math.max(3, x(to) - x(deadline))} height={rowH - 12} fill="url(#breach)" />
              )}
              {v.breached && <rect x={bx} y={y + 6} width={bw} height={rowH - 12} rx="3" fill="none" stroke="#d32f2f" stroke-width="2.5" />}
              {deadline !== null &&
                (deadline <= domainEnd ? (
                  <line x1={x(deadline)} x2={x(deadline)} y1={y + 2} y2={y + rowH - 2} class={`deadline${v.breached ? ' missed' : ''}`} data-testid="deadline-mark" />
                ) : (
                  <g data-testid="deadline-mark">
                    <path d={`M ${labelW + plotW + 4} ${y + 9} l 8 6 l -8 6 z`} class="deadline-far" />
                    <title>{t('tl.beyond', { t: formatDuration(deadline - from, t) })}</title>
                  </g>
                ))}
              {handlingAt !== null && handlingAt !== deadline && <HandlingMark x={handlingAt <= domainEnd ? x(handlingAt) : null} y={y} rowH={rowH} edge={labelW + plotW} breached={handling?.breached ?? false} />}
              {v.breached && (
                <text x={Math.min(bx + bw + 4, labelW + plotW - 30)} y={y + 19} class="breach-label">
                  ✕ {t('tl.breached')}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <div class="legend">
        {LEVELS.map((l) => (
          <span key={l}>
            <i style={{ background: LEVEL_COLOURS[l] }} /> {t(`level.${l}`)}
          </span>
        ))}
        <span>
          <i class="legend-deadline" /> {t('tl.deadline')}
        </span>
        <span>
          <i class="legend-handling" /> {t('tl.handling')}
        </span>
        <span>
          <i class="legend-breach" /> {t('tl.breached')}
        </span>
      </div>
      <p class="muted small">{t('tl.legend')}</p>
    </div>
  );
}

/** The handling deadline of a visit's centre: a dashed line in the row, or an arrow at the edge when it lies far off. */
function HandlingMark(props: { x: number | null; y: number; rowH: number; edge: number; breached: boolean }) {
  if (props.x === null) return <path d={`M ${props.edge + 4} ${props.y + 9} l 8 6 l -8 6 z`} class="handling-far" data-testid="handling-mark" />;
  return <line x1={props.x} x2={props.x} y1={props.y + 1} y2={props.y + props.rowH - 1} class={`handling${props.breached ? ' missed' : ''}`} data-testid="handling-mark" />;
}

/** Each centre's handling limit as a row: when it started and ended, the limit, the deadline, and whether it held. */
function HandlingTable(props: { timeline: Timeline }) {
  const { t, lang, centreName } = useApp();
  const rows = props.timeline.handling;
  if (rows.length === 0) return <p class="muted small">{t('tl.noHandling')}</p>;
  const result = (h: HandlingSpanView) => (h.breached ? 'breached' : h.paused ? 'paused' : h.endedAt === null ? 'running' : 'met');
  return (
    <div class="table-wrap">
      <table class="events handling-table" data-testid="handling-table">
        <thead>
          <tr>
            <th>{t('tl.centre')}</th>
            <th>{t('tl.limit')}</th>
            <th>{t('tl.started')}</th>
            <th>{t('tl.due')}</th>
            <th>{t('tl.ended')}</th>
            <th>{t('tl.result')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h, i) => (
            <tr key={i} data-result={result(h)} class={h.breached ? 'overdue-row' : ''}>
              <td data-label={t('tl.centre')}>
                {centreName(h.centreId)} <span class="muted small">{t(`level.${h.level}`)}</span>
              </td>
              <td data-label={t('tl.limit')}>{spanText(h.limit, t)}</td>
              <td data-label={t('tl.started')}>{formatDate(h.startedAt, lang)}</td>
              <td data-label={t('tl.due')}>{h.deadline ? formatDate(h.deadline, lang) : '—'}</td>
              <td data-label={t('tl.ended')}>{h.endedAt ? formatDate(h.endedAt, lang) : '—'}</td>
              <td data-label={t('tl.result')}>
                <span class={`badge hs-${result(h)}`}>{t(`tl.hs.${result(h)}`)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const TIME_KEYS = new Set(['deadline', 'warnAt', 'reopenUntil', 'until', 'replyBy']);

/** Keys that say nothing to a reader, or that the row already shows. */
const HIDDEN_KEYS = new Set(['factors', 'notify', 'alert', 'complainantId', 'reportedById', 'returnStage', 'clock', 'previousMediatorId', 'automatic', 'late', 'originalCaseId']);
const PERSON_KEYS = new Set<string>(EVENT_PERSON_KEYS);
/** An escalation says how it came about: sent up by someone, or by the deadline. */
function eventTitle(event: TimelineEvent, t: AppState['t']): string {
  if (event.type === 'escalated') return t(event.detail.automatic === true ? 'event.escalatedAutomatic' : 'event.escalatedManual');
  return t(`event.${event.type}`);
}
/** The stage the event moved the case to, when it moved it somewhere the event's own name does not already say. */
function movedTo(event: TimelineEvent, t: AppState['t']): string | null {
  if (event.fromStage === null || event.fromStage === event.stage) return null;
  const stage = t(`stage.${event.stage}`);
  return stage === t(`event.${event.type}`) ? null : stage;
}
const CENTRE_KEYS = new Set(['byCentreId', 'centreId', 'fromCentreId', 'toCentreId', 'supervisingCentreId']);

/** One detail value in the reader's words: moments as dates, codes as labels, centres by name. */
function detailValue(event: TimelineEvent, key: string, value: unknown, app: AppState, departmentName: (id: string) => string, names: Record<string, string>): string | null {
  const { t, lang } = app;
  if (PERSON_KEYS.has(key) && typeof value === 'string') return names[value] ?? value;
  if (key === 'departmentId' && typeof value === 'string') return departmentName(value);
  if (TIME_KEYS.has(key) && typeof value === 'number') return formatDate(new Date(value).toISOString(), lang);
  if (CENTRE_KEYS.has(key) && typeof value === 'string') return app.centreName(value);
  if (key === 'pausedFor' && typeof value === 'number') return formatDuration(value, t);
  if (key === 'policyVersion' && (typeof value === 'number' || typeof value === 'string')) return policyLabel(value, t);
  if (key === 'category' && typeof value === 'string') return app.name(app.categories.find((k) => k.code === value)?.name) || value;
  if (key === 'limit' && value && typeof value === 'object') return spanText(value as HandlingSpanView['limit'], t);
  if (key === 'terms' && Array.isArray(value)) return (value as { party: string; obligation: string }[]).map((term) => `${term.party}: ${term.obligation}`).join('; ');
  if (key === 'files' && Array.isArray(value)) return t('files.count', { n: value.length });
  if (typeof value === 'object') return null;
  const text = String(value);
  if (key === 'reason') return reasonText(event, text, t);
  const coded: Record<string, string> = { risk: 'risk', previousRisk: 'risk', stageMissed: 'stage', specialty: 'specialty', outcome: 'outcome', referral: 'referral', targetLevel: 'level', kind: 'kind' };
  const prefix = coded[key];
  return prefix ? t(`${prefix}.${text}`) : text;
}

function reasonText(event: TimelineEvent, reason: string, t: AppState['t']): string {
  if (event.type === 'clock_paused') return t(`pause.${reason}`);
  if (event.type === 'supervision_issued') return orderReason({ automatic: event.detail.automatic === true, reason }, t);
  if (event.type === 'escalated' && event.detail.automatic === true) return t(`escalation.${reason}`);
  return reason;
}

/** Flags the row's words cannot carry: an automatic step, a late reply. */
function detailFlags(event: TimelineEvent, t: AppState['t']): string[] {
  const flags: string[] = [];
  if (event.detail.automatic === true && event.type !== 'escalated' && event.type !== 'supervision_issued') flags.push(t('detail.automatic'));
  if (event.detail.late === true) flags.push(t('detail.late'));
  return flags;
}

function detailText(event: TimelineEvent, app: AppState, departmentName: (id: string) => string, names: Record<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event.detail)) {
    if (value === null || value === undefined || HIDDEN_KEYS.has(key)) continue;
    const text = detailValue(event, key, value, app, departmentName, names);
    if (text === null || text === '') continue;
 // The policy's label names itself ("时限政策 第 1 版"); other values need theirs.
    const label = key === 'policyVersion' ? `detail.${key}` : app.t(`detail.${key}`);
    parts.push(label === `detail.${key}` ? text : `${label}${app.lang === 'zh' ? '：' : ': '}${text}`);
  }
  return [...parts, ...detailFlags(event, app.t)].join(' · ');
}

export function TimelinePage(props: { id: string }) {
  const app = useApp();
  const { t, lang, session, centreName } = app;
  const departmentName = useDepartmentName();
  const tl = useLoad(() => api<Timeline>('GET', `/api/v1/cases/${props.id}/timeline`), [props.id, session?.personId]);
  if (tl.error) return <ErrorBanner error={tl.error} onRetry={tl.reload} />;
  const d = tl.data;
  if (!d) return <p class="muted">{t('common.loading')}</p>;
  const w = d.workflow;
  return (
    <div data-testid="timeline-page">
      <div class="card">
        <p>
          <Link href={`/cases/${d.caseId}`}>← {t('case.back')}</Link>
        </p>
        <div class="card-head">
          <h1>{t('tl.title', { number: d.caseNumber })}</h1>
          <span class="badge policy" data-testid="policy-version">
            {policyLabel(d.policyVersion, t)}
          </span>
        </div>
        <TimelineChart timeline={d} now={Date.now()} />
        <h2>{t('tl.handlingTitle')}</h2>
        <HandlingTable timeline={d} />
        <p class="muted small" data-testid="workflow-info">
          {t('tl.workflow', { id: w.workflowId, status: w.status ?? '—', n: w.historyLength ?? '—' })}
        </p>
        {w.webUiUrl ? (
          <a class="button" href={w.webUiUrl} target="_blank" rel="noopener" data-testid="temporal-link">
            {t('tl.temporal')} ↗
          </a>
        ) : (
          <p class="muted" data-testid="temporal-link-missing">
            {t('tl.noTemporal')}
          </p>
        )}
      </div>
      <TimelineHandoffs caseId={d.caseId} />
      <div class="card">
        <h2>{t('tl.events')}</h2>
        <div class="table-wrap">
          <table class="events" data-testid="events">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('tl.when')}</th>
                <th>{t('tl.what')}</th>
                <th>{t('tl.who')}</th>
                <th>{t('tl.where')}</th>
                <th>{t('tl.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {d.events.map((e) => (
                <tr key={e.seq} data-type={e.type}>
                  <td data-label="#">{e.seq}</td>
                  <td data-label={t('tl.when')}>{formatDate(e.at, lang)}</td>
                  <td data-label={t('tl.what')}>
                    {eventTitle(e, t)}
                    {movedTo(e, t) && <span class="muted small"> → {movedTo(e, t)}</span>}
                  </td>
                  <td data-label={t('tl.who')}>{e.actor.kind === 'system' ? t('event.system') : `${(e.actor.personId && d.names[e.actor.personId]) || e.actor.personId || ''}${e.actor.role ? ` (${t(`role.${e.actor.role}`)})` : ''}`}</td>
                  <td data-label={t('tl.where')}>
                    {centreName(e.centreId)} <span class="muted small">{t(`level.${e.level}`)}</span>
                  </td>
                  <td data-label={t('tl.detail')} class="detail">
                    {detailText(e, app, departmentName, d.names)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}

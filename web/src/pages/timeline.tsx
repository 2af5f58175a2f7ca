import { api, LEVELS, type Timeline } from '../api';
import { ErrorBanner, formatDate, formatDuration, Link, LEVEL_COLOURS, useApp, useLoad } from '../app';

const ms = (iso: string) => new Date(iso).getTime();

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
  const domainEnd = Math.max(end + span * 0.05, ...visits.map((v) => (v.deadline && ms(v.deadline) <= reach ? ms(v.deadline) : 0)));
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
    <div class="timeline-chart">
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
          const title = `${t(`stage.${v.stage}`)} · ${centreName(v.centreId)} · ${formatDate(v.enteredAt, lang)} → ${v.leftAt ? formatDate(v.leftAt, lang) : t('tl.ongoing')}${
            v.durationMs !== null ? ` (${formatDuration(v.durationMs, t)})` : ''
          }${v.deadline ? ` · ${t('tl.deadline')} ${formatDate(v.deadline, lang)}` : ''}${v.breached ? ` · ${t('tl.breached')}` : ''}`;
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
          <i class="legend-breach" /> {t('tl.breached')}
        </span>
      </div>
      <p class="muted small">{t('tl.legend')}</p>
    </div>
  );
}

const TIME_KEYS = new Set(['deadline', 'warnAt', 'reopenUntil']);

function detailText(detail: Record<string, unknown>, lang: 'zh' | 'en'): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (value === null || value === undefined || key === 'factors' || key === 'notify') continue;
    if (key === 'terms' && Array.isArray(value)) {
      parts.push((value as { party: string; obligation: string }[]).map((term) => `${term.party}: ${term.obligation}`).join('; '));
      continue;
    }
    if (typeof value === 'object') continue;
    if (TIME_KEYS.has(key) && typeof value === 'number') {
      parts.push(`${key}: ${formatDate(new Date(value).toISOString(), lang)}`);
      continue;
    }
    parts.push(`${key}: ${String(value)}`);
  }
  return parts.join(' · ');
}

export function TimelinePage(props: { id: string }) {
  const { t, lang, session, centreName } = useApp();
  const tl = useLoad(() => api<Timeline>('GET', `/api/v1/cases/${props.id}/timeline`), [props.id, session?.token]);
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
        <h1>{t('tl.title', { number: d.caseNumber })}</h1>
        <TimelineChart timeline={d} now={Date.now()} />
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
                    {t(`event.${e.type}`)} <span class="muted small">→ {t(`stage.${e.stage}`)}</span>
                  </td>
                  <td data-label={t('tl.who')}>{e.actor.kind === 'system' ? t('event.system') : `${e.actor.personId ?? ''}${e.actor.role ? ` (${t(`role.${e.actor.role}`)})` : ''}`}</td>
                  <td data-label={t('tl.where')}>
                    {centreName(e.centreId)} <span class="muted small">{t(`level.${e.level}`)}</span>
                  </td>
                  <td data-label={t('tl.detail')} class="detail">
                    {detailText(e.detail, lang)}
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

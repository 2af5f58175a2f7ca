import { useState } from 'preact/hooks';
import { api, LEVELS, RISKS, STAGES, type Dashboard } from '../api';
import { ExportButtons } from './documents';
import { ErrorBanner, formatDate, formatDuration, Link, LEVEL_COLOURS, RiskBadge, StageBadge, TimeLeft, useApp, useLoad } from '../app';

const RISK_COLOURS: Record<string, string> = { low: '#66bb6a', medium: '#ffa726', high: '#ef5350', critical: '#8e24aa' };

/** About how wide a label is drawn at the charts' font size: CJK characters are square, Latin ones about half. */
export function labelWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 13 : 7.5;
  return Math.ceil(width);
}

/** Horizontal bars, hand-drawn SVG: label, bar, count. */
export function BarChart(props: { title: string; rows: { key: string; label: string; value: number; colour: string }[]; testid?: string }) {
  const max = Math.max(1, ...props.rows.map((r) => r.value));
  const rowH = 26;
  // Wide enough for the longest label in the reader's language ("Expert consultation" was cut to ":pert consultation").
  const labelW = Math.min(220, Math.max(60, 10 + Math.max(...props.rows.map((r) => labelWidth(r.label)))));
  const barW = 220;
  const height = props.rows.length * rowH + 6;
  return (
    <figure class="chart" data-testid={props.testid}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${labelW + barW + 40} ${height}`} width="100%" role="img" aria-label={props.title}>
        {props.rows.map((row, i) => {
          const y = i * rowH + 4;
          const w = (row.value / max) * barW;
          return (
            <g key={row.key}>
              <text x={labelW - 6} y={y + 15} text-anchor="end" class="chart-label">
                {row.label}
              </text>
              <rect x={labelW} y={y + 2} width={barW} height={rowH - 8} fill="#eef1f5" rx="3" />
              <rect x={labelW} y={y + 2} width={Math.max(row.value > 0 ? 2 : 0, w)} height={rowH - 8} fill={row.colour} rx="3" />
              <text x={labelW + Math.max(w, 0) + 6} y={y + 15} class="chart-value">
                {row.value}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function Stat(props: { label: string; value: string; testid?: string; tone?: string }) {
  return (
    <div class={`stat ${props.tone ?? ''}`} data-testid={props.testid}>
      <div class="stat-value">{props.value}</div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}

export function DashboardPage() {
  const { t, session, centres, centreName, name } = useApp();
  const [centreId, setCentreId] = useState(session?.centreId ?? '');
  const dash = useLoad(() => api<Dashboard>('GET', '/api/v1/dashboard', { query: { centreId: centreId || undefined } }), [centreId, session?.personId]);
  const mine = session?.centreId;
  const subtree = session?.role === 'admin' && mine ? [...centres.values()].filter((c) => c.path.includes(mine)).sort((a, b) => a.path.length - b.path.length || a.id.localeCompare(b.id)) : [];
  const d = dash.data;
  const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
  return (
    <div class="dashboard">
      <div class="card">
        <h1>{t('dash.title', { centre: centreName(centreId || mine) })}</h1>
        {subtree.length > 1 && (
          <label class="inline">
            <span class="label">{t('dash.centre')}</span>
            <select name="centre" value={centreId} onChange={(e) => setCentreId(e.currentTarget.value)}>
              {subtree.map((c) => (
                <option key={c.id} value={c.id}>
                  {'　'.repeat(c.path.length - (centres.get(mine ?? '')?.path.length ?? 1))}
                  {name(c.name)}
                </option>
              ))}
            </select>
          </label>
        )}
        <ErrorBanner error={dash.error} onRetry={dash.reload} />
        {d && <ExportButtons path="/api/v1/dashboard" query={{ centreId: centreId || undefined }} testid="export-dashboard" />}
        {d && (
          <div class="stats" data-testid="dash-stats">
            <Stat label={t('dash.open')} value={String(d.open)} testid="stat-open" />
            <Stat label={t('dash.closed')} value={String(d.closed)} testid="stat-closed" />
            <Stat label={t('dash.duplicates')} value={String(d.duplicates)} testid="stat-duplicates" />
            <Stat label={t('dash.overdue')} value={String(d.overdue.count)} tone={d.overdue.count > 0 ? 'bad' : ''} testid="stat-overdue" />
            <Stat label={t('dash.missed')} value={String(d.missedDeadlines.count)} tone={d.missedDeadlines.count > 0 ? 'bad' : ''} testid="stat-missed" />
            <Stat label={t('dash.unanswered')} value={String(d.unansweredOrders.count)} tone={d.unansweredOrders.lapsed > 0 ? 'bad' : ''} testid="stat-unanswered" />
            <Stat label={t('dash.timeToClose')} value={d.medianTimeToCloseMs === null ? '—' : formatDuration(d.medianTimeToCloseMs, t)} testid="stat-ttc" />
            <Stat label={t('dash.onTime')} value={pct(d.closedOnTimeShare)} />
            <Stat label={t('dash.avgRating')} value={d.satisfaction.average === null ? '—' : `${d.satisfaction.average.toFixed(1)} / 5`} testid="stat-rating" />
            <Stat label={`${t('dash.satisfiedShare')} (${t('dash.rated', { n: d.satisfaction.rated })})`} value={pct(d.satisfaction.satisfiedShare)} />
          </div>
        )}
      </div>
      {d && (
        <>
          <div class="grid3">
            <div class="card">
              <BarChart
                title={t('dash.byStage')}
                testid="chart-stage"
                rows={STAGES.map((s) => ({ key: s, label: t(`stage.${s}`), value: d.byStage[s] ?? 0, colour: s === 'closed' ? '#90a4ae' : '#1976d2' }))}
              />
            </div>
            <div class="card">
              <BarChart title={t('dash.byLevel')} testid="chart-level" rows={LEVELS.map((l) => ({ key: l, label: t(`level.${l}`), value: d.byLevel[l] ?? 0, colour: LEVEL_COLOURS[l] ?? '#999' }))} />
            </div>
            <div class="card">
              <BarChart title={t('dash.byRisk')} testid="chart-risk" rows={RISKS.map((r) => ({ key: r, label: t(`risk.${r}`), value: d.byRisk[r] ?? 0, colour: RISK_COLOURS[r] ?? '#999' }))} />
              <h3>{t('dash.satisfaction')}</h3>
              <svg viewBox="0 0 260 24" width="100%" role="img" aria-label={t('dash.avgRating')} data-testid="satisfaction-bar">
                <rect x="0" y="4" width="200" height="16" fill="#eef1f5" rx="4" />
                <rect x="0" y="4" width={((d.satisfaction.average ?? 0) / 5) * 200} height="16" fill="#fbc02d" rx="4" />
                <text x="208" y="17" class="chart-value">
                  {d.satisfaction.average === null ? '—' : `${d.satisfaction.average.toFixed(1)} / 5`}
                </text>
              </svg>
            </div>
          </div>
          <div class="card" data-testid="overdue-list">
            <h2>
              {t('dash.overdue')} ({d.overdue.count})
            </h2>
            {d.overdue.items.length === 0 ? (
              <p class="muted">{t('dash.overdueEmpty')}</p>
            ) : (
              <div class="table-wrap">
                <table class="cases">
                  <thead>
                    <tr>
                      <th>{t('case.number')}</th>
                      <th>{t('case.stage')}</th>
                      <th>{t('case.risk')}</th>
                      <th>{t('case.holder')}</th>
                      <th>{t('case.deadline')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.overdue.items.map((o) => (
                      <tr key={o.id} class="overdue-row">
                        <td data-label={t('case.number')}>
                          <Link href={`/cases/${o.id}/timeline`}>{o.caseNumber}</Link>
                        </td>
                        <td data-label={t('case.stage')}>
                          <StageBadge stage={o.stage} />
                        </td>
                        <td data-label={t('case.risk')}>
                          <RiskBadge risk={o.risk} />
                        </td>
                        <td data-label={t('case.holder')}>{centreName(o.centreId)}</td>
                        <td data-label={t('case.deadline')}>
                          <TimeLeft deadline={o.deadline} overdue />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
          <UnansweredOrders dashboard={d} />
          <MissedDeadlines dashboard={d} />
        </>
      )}
    </div>
  );
}

/** Supervision orders still owed a reply: the lapsed ones first, since their reply time has passed. */
function UnansweredOrders(props: { dashboard: Dashboard }) {
  const { t, lang, centreName } = useApp();
  const orders = props.dashboard.unansweredOrders;
  return (
    <div class="card" data-testid="unanswered-list">
      <h2>
        {t('dash.unanswered')} ({orders.count})
      </h2>
      <p class="muted small">{t('dash.unansweredIntro')}</p>
      {orders.items.length === 0 ? (
        <p class="muted">{t('dash.unansweredEmpty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="cases">
            <thead>
              <tr>
                <th>{t('case.number')}</th>
                <th>{t('dash.owedBy')}</th>
                <th>{t('dash.issuedBy')}</th>
                <th>{t('field.reason')}</th>
                <th>{t('field.replyBy')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.items.map((o) => (
                <tr key={`${o.caseId}/${o.orderId}`} data-status={o.status}>
                  <td data-label={t('case.number')}>
                    <Link href={`/cases/${o.caseId}`}>{o.caseNumber}</Link>
                  </td>
                  <td data-label={t('dash.owedBy')}>{centreName(o.centreId)}</td>
                  <td data-label={t('dash.issuedBy')}>{centreName(o.byCentreId)}</td>
                  <td data-label={t('field.reason')}>{o.automatic ? t(`supervision.${o.reason}`) : o.reason}</td>
                  <td data-label={t('field.replyBy')}>
                    {formatDate(o.replyBy, lang)}
                    {o.status === 'lapsed' && <span class="badge overdue"> {t('dash.lapsed')}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Deadlines this centre missed, with the cases that went up because of them: a centre is not clean because its late cases left. */
function MissedDeadlines(props: { dashboard: Dashboard }) {
  const { t, lang, centreName } = useApp();
  const missed = props.dashboard.missedDeadlines;
  return (
    <div class="card" data-testid="missed-list">
      <h2>
        {t('dash.missed')} ({missed.count})
      </h2>
      <p class="muted small">{t('dash.missedIntro')}</p>
      {missed.items.length === 0 ? (
        <p class="muted">{t('dash.missedEmpty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="cases">
            <thead>
              <tr>
                <th>{t('case.number')}</th>
                <th>{t('case.stage')}</th>
                <th>{t('case.holder')}</th>
                <th>{t('case.stageMissed')}</th>
              </tr>
            </thead>
            <tbody>
              {missed.items.map((m) => (
                <tr key={m.id}>
                  <td data-label={t('case.number')}>
                    <Link href={`/cases/${m.id}`}>{m.caseNumber}</Link>
                  </td>
                  <td data-label={t('case.stage')}>
                    <StageBadge stage={m.stage} />
                  </td>
                  <td data-label={t('case.holder')}>{centreName(m.centreId)}</td>
                  <td data-label={t('case.stageMissed')}>
                    {[...new Set(m.missedBy)].map((id) => centreName(id)).join(lang === 'zh' ? '、' : ', ')} · {t('dash.missedTimes', { n: m.missedBy.length })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

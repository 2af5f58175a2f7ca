import { useState } from 'preact/hooks';
import { api, RISKS, STAGES, type CaseList, type CaseListItem } from '../api';
import { useDepartmentName } from '../departments';
import { ErrorBanner, Link, RiskBadge, StageBadge, TimeLeft, useApp, useLoad } from '../app';
import { ExportButtons } from './documents';

export function CaseTable(props: { items: CaseListItem[]; testid?: string }) {
  const { t, centreName, session } = useApp();
  // The risk grade is the centres' working judgement, not something to show the people reporting.
  const showRisk = session?.role !== 'resident';
  return (
    <div class="table-wrap">
      <table class="cases" data-testid={props.testid ?? 'case-table'}>
        <thead>
          <tr>
            <th>{t('case.number')}</th>
            <th>{t('field.title')}</th>
            <th>{t('case.stage')}</th>
            {showRisk && <th>{t('case.risk')}</th>}
            <th>{t('case.holder')}</th>
            <th>{t('case.deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((c) => (
            <tr key={c.id} class={c.overdue ? 'overdue-row' : ''} data-case-id={c.id}>
              <td data-label={t('case.number')}>
                <Link href={`/cases/${c.id}`}>{c.caseNumber}</Link>
              </td>
              <td data-label={t('field.title')}>
                <Link href={`/cases/${c.id}`}>{c.title}</Link>
              </td>
              <td data-label={t('case.stage')}>
                <StageBadge stage={c.stage} />
              </td>
              {showRisk && (
                <td data-label={t('case.risk')}>
                  <RiskBadge risk={c.risk} />
                </td>
              )}
              <td data-label={t('case.holder')}>
                {centreName(c.centreId)}
                {c.readOnly && (
                  <span class="badge moved-on" data-testid="moved-on">
                    {t('case.movedOn')}
                  </span>
                )}
              </td>
              <td data-label={t('case.deadline')}>
                <TimeLeft deadline={c.deadline} overdue={c.overdue} status={c.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MyCasesPage() {
  const { t, session } = useApp();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const list = useLoad(() => api<CaseList>('GET', '/api/v1/cases', { query: { q: query || undefined, pageSize: 50 } }), [query, session?.personId]);
  return (
    <div class="card">
      <h1>{t('mine.title')}</h1>
      <form
        class="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(q.trim());
        }}
      >
        <input name="q" value={q} placeholder={t('mine.search')} aria-label={t('mine.search')} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" aria-label={t('mine.searchButton')} data-testid="search-submit">
          {/* Drawn here, not an emoji: a machine without an emoji font shows an empty box. */}
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <circle cx="6.5" cy="6.5" r="4.75" fill="none" stroke="currentColor" stroke-width="2" />
            <line x1="10" y1="10" x2="14.5" y2="14.5" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
          </svg>{' '}
          {t('mine.searchButton')}
        </button>
      </form>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.data && (list.data.items.length === 0 ? <p class="muted">{t('mine.empty')}</p> : <CaseTable items={list.data.items} />)}
      {list.loading && !list.data && <p class="muted">{t('common.loading')}</p>}
    </div>
  );
}

export function QueuePage() {
  const { t, session, centreName } = useApp();
  const departmentName = useDepartmentName();
  const params = new URLSearchParams(location.search);
  const [stage, setStage] = useState(params.get('stage') ?? '');
  const [risk, setRisk] = useState(params.get('risk') ?? '');
  const [overdue, setOverdue] = useState(params.get('overdue') === 'true');
  const [status, setStatus] = useState(params.get('status') ?? 'open');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const list = useLoad(
    () =>
      api<CaseList>('GET', '/api/v1/cases', {
        query: { stage: stage || undefined, risk: risk || undefined, overdue: overdue ? 'true' : undefined, status: status || undefined, page, pageSize },
      }),
    [stage, risk, overdue, status, page, session?.personId],
  );
  const set = (fn: (v: string) => void) => (e: Event) => {
    fn((e.currentTarget as HTMLSelectElement).value);
    setPage(1);
  };
  return (
    <div class="card">
      {session?.departmentId ? (
        <>
          <h1>{t('queue.departmentTitle', { department: departmentName(session.departmentId) })}</h1>
          <p class="muted" data-testid="queue-intro">
            {t('queue.departmentIntro')}
          </p>
        </>
      ) : (
        <h1>{t('queue.title', { centre: centreName(session?.centreId) })}</h1>
      )}
      <div class="filters" data-testid="filters">
        <label>
          <span class="label">{t('queue.filterStage')}</span>
          <select name="stage" value={stage} onChange={set(setStage)}>
            <option value="">{t('queue.all')}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`stage.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="label">{t('queue.filterRisk')}</span>
          <select name="risk" value={risk} onChange={set(setRisk)}>
            <option value="">{t('queue.all')}</option>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {t(`risk.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="label">{t('queue.status')}</span>
          <select name="status" value={status} onChange={set(setStatus)}>
            <option value="">{t('queue.all')}</option>
            <option value="open">{t('queue.open')}</option>
            <option value="closed">{t('queue.closed')}</option>
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="overdue"
            checked={overdue}
            onChange={(e) => {
              setOverdue(e.currentTarget.checked);
              setPage(1);
            }}
          />
          {t('queue.filterOverdue')}
        </label>
        <button onClick={list.reload}>{t('queue.refresh')}</button>
      </div>
      {session?.role !== 'resident' && <ExportButtons path="/api/v1/cases" query={{ stage: stage || undefined, risk: risk || undefined, overdue: overdue ? 'true' : undefined, status: status || undefined }} testid="export-cases" />}
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.data && (
        <>
          <p class="muted" data-testid="queue-total">
            {t('queue.total', { n: list.data.total })}
          </p>
          {list.data.items.length === 0 ? <p class="muted">{t('queue.empty')}</p> : <CaseTable items={list.data.items} testid="queue" />}
          {list.data.total > pageSize && (
            <div class="buttons">
              <button disabled={page <= 1} onClick={() => setPage(page - 1)}>
                {t('queue.prev')}
              </button>
              <span>
                {page} / {Math.ceil(list.data.total / pageSize)}
              </span>
              <button disabled={page * pageSize >= list.data.total} onClick={() => setPage(page + 1)}>
                {t('queue.next')}
              </button>
            </div>
          )}
        </>
      )}
      {list.loading && !list.data && <p class="muted">{t('common.loading')}</p>}
    </div>
  );
}

export function InboxPage() {
  const { t, session } = useApp();
  const waiting = useLoad(() => api<CaseList>('GET', '/api/v1/cases', { query: { stage: 'expert_consultation', pageSize: 100 } }), [session?.personId]);
  const all = useLoad(() => api<CaseList>('GET', '/api/v1/cases', { query: { pageSize: 100 } }), [session?.personId]);
  const mine = (waiting.data?.items ?? []).filter((c) => c.expert?.id === session?.personId);
  const answered = (all.data?.items ?? []).filter((c) => c.stage !== 'expert_consultation' || c.expert?.id !== session?.personId);
  return (
    <div class="card">
      <h1>{t('inbox.title')}</h1>
      <p class="muted">{t('inbox.intro')}</p>
      <ErrorBanner error={waiting.error} onRetry={waiting.reload} />
      {waiting.data && (mine.length === 0 ? <p class="muted">{t('inbox.empty')}</p> : <CaseTable items={mine} testid="inbox" />)}
      <h2>{t('inbox.done')}</h2>
      <ErrorBanner error={all.error} onRetry={all.reload} />
      {all.data && (answered.length === 0 ? <p class="muted">—</p> : <CaseTable items={answered} testid="inbox-done" />)}
    </div>
  );
}

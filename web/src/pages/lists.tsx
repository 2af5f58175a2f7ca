import { useEffect, useState } from 'preact/hooks';
import { api, RISKS, STAGES, type CaseList, type CaseListItem } from '../api';
import { useDepartmentName } from '../departments';
import { ErrorBanner, formatDate, Link, RiskBadge, StageBadge, TimeLeft, useApp, useLoad } from '../app';
import { LiveIndicator, useLiveReload } from '../live';
import { SavedFilters } from './saved-filters';
import type { FilterParams } from '../../../src/api/views';
import '../search.css';
import { ExportButtons } from './documents';

export function CaseTable(props: { items: CaseListItem[]; testid?: string }) {
  const { t, centreName, session, lang } = useApp();
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
            <th>{t('case.origin')}</th>
            <th>{t('case.received')}</th>
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
              <td data-label={t('case.origin')} data-testid="origin">
                {centreName(c.location.centreId)}
              </td>
              <td data-label={t('case.received')}>
                <time class="received" dateTime={c.receivedAt}>
                  {formatDate(c.receivedAt, lang).slice(0, -3)}
                </time>
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
  // Grid workers' reports move on as the centre works them (residents have no live stream: nothing comes).
  useLiveReload(list.reload);
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

/** The queue's filters as the address bar and a saved filter hold them. */
function filtersFromAddress(): FilterParams {
  const params = new URLSearchParams(location.search);
  const read = (key: keyof FilterParams) => params.get(key) ?? undefined;
  const filters: Record<string, string | undefined> = {
    stage: read('stage'),
    risk: read('risk'),
    overdue: params.get('overdue') === 'true' ? 'true' : undefined,
    // The open cases unless the address says otherwise (`status=` for all).
    status: params.has('status') ? read('status') || undefined : 'open',
    q: read('q'),
    assignedTo: params.get('assignedTo') === 'me' ? 'me' : undefined,
    sort: params.get('sort') === 'deadline' ? 'deadline' : undefined,
  };
  return filters as FilterParams;
}

/** Only the parameters that are set: what the list request, the address and a saved filter carry. */
function compact(filters: FilterParams): FilterParams {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== '')) as FilterParams;
}

export function QueuePage() {
  const { t, session, centreName } = useApp();
  const departmentName = useDepartmentName();
  const [filters, setFilters] = useState<FilterParams>(filtersFromAddress);
  const [q, setQ] = useState(filters.q ?? '');
  const [page, setPage] = useState(1);
  const pageSize = 20;
  const key = JSON.stringify(compact(filters));
  const list = useLoad(() => api<CaseList>('GET', '/api/v1/cases', { query: { ...compact(filters), page, pageSize } }), [key, page, session?.personId]);
  useLiveReload(list.reload);
  // The address follows the filters, so a reload or a shared link shows the same list.
  useEffect(() => {
    const params = new URLSearchParams(compact(filters) as Record<string, string>);
    // Open cases are the default; all of them are `status=`.
    if (filters.status === undefined) params.set('status', '');
    if (filters.status === 'open') params.delete('status');
    const search = params.toString();
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
  }, [key]);
  const change = (next: Partial<FilterParams>) => {
    setFilters(compact({ ...filters, ...next }));
    setPage(1);
  };
  const pick = (saved: FilterParams) => {
    setFilters(compact(saved));
    setQ(saved.q ?? '');
    setPage(1);
  };
  const select = (name: keyof FilterParams) => (e: Event) => change({ [name]: (e.currentTarget as HTMLSelectElement).value || undefined });
  return (
    <div class="card">
      <div class="queue-head">
        {session?.departmentId ? (
          <h1>{t('queue.departmentTitle', { department: departmentName(session.departmentId) })}</h1>
        ) : (
          <h1>{t('queue.title', { centre: centreName(session?.centreId) })}</h1>
        )}
        <LiveIndicator />
      </div>
      {session?.departmentId && (
        <p class="muted" data-testid="queue-intro">
          {t('queue.departmentIntro')}
        </p>
      )}
      <form
        class="search wide"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          change({ q: q.trim() || undefined });
        }}
      >
        <input name="q" type="search" value={q} placeholder={t('search.placeholder')} aria-label={t('search.label')} onInput={(e) => setQ(e.currentTarget.value)} />
        <button type="submit" data-testid="search-submit">
          {t('search.button')}
        </button>
        {filters.q && (
          <button
            type="button"
            class="link"
            onClick={() => {
              setQ('');
              change({ q: undefined });
            }}
          >
            {t('search.clear')}
          </button>
        )}
      </form>
      <div class="filters" data-testid="filters">
        <label>
          <span class="label">{t('queue.filterStage')}</span>
          <select name="stage" value={filters.stage ?? ''} onChange={select('stage')}>
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
          <select name="risk" value={filters.risk ?? ''} onChange={select('risk')}>
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
          <select name="status" value={filters.status ?? ''} onChange={select('status')}>
            <option value="">{t('queue.all')}</option>
            <option value="open">{t('queue.open')}</option>
            <option value="closed">{t('queue.closed')}</option>
          </select>
        </label>
        <label>
          <span class="label">{t('search.sort')}</span>
          <select name="sort" value={filters.sort ?? 'received'} onChange={(e) => change({ sort: e.currentTarget.value === 'deadline' ? 'deadline' : undefined })}>
            <option value="received">{t('search.sortReceived')}</option>
            <option value="deadline">{t('search.sortDeadline')}</option>
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="overdue" checked={filters.overdue === 'true'} onChange={(e) => change({ overdue: e.currentTarget.checked ? 'true' : undefined })} />
          {t('queue.filterOverdue')}
        </label>
        <label class="check" title={t('search.mineHint')}>
          <input type="checkbox" name="assignedTo" checked={filters.assignedTo === 'me'} onChange={(e) => change({ assignedTo: e.currentTarget.checked ? 'me' : undefined })} />
          {t('search.mine')}
        </label>
        <button type="button" onClick={list.reload}>
          {t('queue.refresh')}
        </button>
      </div>
      {session?.role !== 'resident' && <ExportButtons path="/api/v1/cases" query={compact(filters)} testid="export-cases" />}
      <SavedFilters current={filters} onPick={pick} />
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
  useLiveReload(() => {
    waiting.reload();
    all.reload();
  });
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

/**
 * The audit log, for administrators: who did what to which case or person, when and from
 * where, in their subtree (the city's administrators: all of it); filtered, paged, and
 * exported as CSV with the same filters.
 */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import type { AuditEntryView, AuditPage } from '../../../src/api/views';
import { ErrorBanner, formatDate, Link, useApp, useLoad, type AppState } from '../app';
import { downloadFile } from '../download';
import { Field } from '../forms';
import { CASE_ACTION_TYPES } from './actions';

const PAGE_SIZE = 50;

/** What the log records besides actions on cases. */
const OTHER_ACTIONS = ['intake', 'deadline_policy.add_version', 'sign_in', 'sign_out', 'audit.export'] as const;
const OUTCOMES = ['ok', 'done', 'refused', 'not_found', 'locked_out', 'error'] as const;

interface Filters {
  person: string;
  case: string;
  action: string;
  outcome: string;
  /** Days as the date inputs give them, `yyyy-mm-dd`, in the reader's own time. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { person: '', case: '', action: '', outcome: '', from: '', to: '' };

/** The API's query: a period from the start of `from` to the end of `to`, in the reader's time zone. */
function queryOf(filters: Filters): Record<string, string | undefined> {
  const startOf = (day: string) => new Date(`${day}T00:00:00`);
  const dayAfter = (day: string) => {
    const date = startOf(day);
    date.setDate(date.getDate() + 1);
    return date;
  };
  return {
    person: filters.person.trim() || undefined,
    case: filters.case.trim() || undefined,
    action: filters.action || undefined,
    outcome: filters.outcome || undefined,
    from: filters.from ? startOf(filters.from).toISOString() : undefined,
    to: filters.to ? dayAfter(filters.to).toISOString() : undefined,
  };
}

function has(t: AppState['t'], key: string): boolean {
  return t(key) !== key;
}

/** An action in words where the UI knows it, else as the log names it. */
export function actionName(action: string, t: AppState['t']): string {
  for (const key of [`audit.action.${action}`, `action.${action}`]) if (has(t, key)) return t(key);
  return action;
}

/** A detail's name in words: the log's own, else an event detail's, else as recorded. */
function labelOf(key: string, t: AppState['t']): string {
  for (const name of [`audit.detail.${key}`, `detail.${key}`]) if (has(t, name)) return t(name);
  return key;
}

/** A detail's value in words where it is a centre, category, channel, risk or yes/no; else as recorded. */
function valueOf(key: string, value: unknown, app: AppState): string {
  const { t } = app;
  if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no');
  if (typeof value !== 'string') return JSON.stringify(value);
  if (key === 'centreId') return app.centreName(value);
  if (key === 'category') return app.name(app.categories.find((c) => c.code === value)?.name) || value;
  if ((key === 'channel' || key === 'risk') && has(t, `${key}.${value}`)) return t(`${key}.${value}`);
  return value;
}

function outcomeName(outcome: string, t: AppState['t']): string {
  const key = `audit.outcome.${outcome}`;
  return has(t, key) ? t(key) : outcome;
}

function Row(props: { entry: AuditEntryView }) {
  const app = useApp();
  const { t, lang, centreName } = app;
  const e = props.entry;
  const good = e.outcome === 'ok' || e.outcome === 'done';
  const detail = Object.entries(e.detail);
  const [open, setOpen] = useState(false);
  return (
    <>
    <tr data-testid="audit-row" data-action={e.action} data-outcome={e.outcome}>
      <td data-label={t('audit.at')} class="nowrap">
        <time dateTime={e.at}>{formatDate(e.at, lang)}</time>
      </td>
      <td data-label={t('audit.who')}>
        {e.actor ? (
          <span>
            <strong>{e.actor.name ?? e.actor.personId}</strong>
            <span class="muted small actor-where">
              {' '}
              {has(t, `role.${e.actor.role}`) ? t(`role.${e.actor.role}`) : e.actor.role}
              {e.actor.centreId ? ` · ${centreName(e.actor.centreId)}` : ''}
            </span>
          </span>
        ) : (
          <span class="muted">{t('audit.anonymous')}</span>
        )}
      </td>
      <td data-label={t('audit.action')}>{actionName(e.action, t)}</td>
      <td data-label={t('audit.case')} class="nowrap">{e.caseId ? <Link href={`/cases/${e.caseId}`}>{e.caseNumber ?? e.caseId}</Link> : <span class="muted">—</span>}</td>
      <td data-label={t('audit.subject')} class={e.subject ? '' : 'empty-cell'}>{e.subject ? (e.subject.name ?? e.subject.personId) : <span class="muted">—</span>}</td>
      <td data-label={t('audit.outcome')}>
        <span class={`badge ${good ? 'outcome-ok' : 'outcome-refused'}`} title={e.status === null ? undefined : String(e.status)}>
          {outcomeName(e.outcome, t)}
          {e.status !== null && !good ? ` (${e.status})` : ''}
        </span>
      </td>
      <td data-label={t('audit.address')}>
        <code class="small">{e.address ?? '—'}</code>
      </td>
      <td data-label={t('audit.detail')} class={detail.length > 0 ? '' : 'empty-cell'}>
        {detail.length > 0 && (
          <button type="button" class="link small nowrap" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="audit-detail-toggle">
            {open ? `▾ ${t('audit.hideDetail')}` : `▸ ${t('audit.showDetail')}`}
          </button>
        )}
      </td>
    </tr>
    {open && (
      <tr class="audit-detail-row">
        <td colSpan={8}>
          <dl class="audit-detail small" data-testid="audit-detail">
            {detail.map(([key, value]) => (
              <div key={key}>
                <dt>{labelOf(key, t)}</dt>
                <dd>{valueOf(key, value, app)}</dd>
              </div>
            ))}
          </dl>
        </td>
      </tr>
    )}
    </>
  );
}

export function AuditPage() {
  const { t, lang, session } = useApp();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [offset, setOffset] = useState(0);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exportNote, setExportNote] = useState<string | null>(null);
  const log = useLoad(() => api<AuditPage>('GET', '/api/v1/audit', { query: { ...queryOf(filters), limit: PAGE_SIZE, offset } }), [filters, offset, session?.personId]);
  const errors = log.error instanceof ApiError && log.error.problem.status === 400 ? log.error.fieldErrors() : {};

  const field = (name: keyof Filters) => ({
    name,
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });
  const apply = (event?: Event) => {
    event?.preventDefault();
    setFilters(draft);
    setOffset(0);
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setFilters(NO_FILTERS);
    setOffset(0);
  };
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    setExportNote(null);
    try {
      const file = await downloadFile('/api/v1/audit.csv', { ...queryOf(filters), lang }, 'audit.csv');
      const total = file.headers.get('X-Total-Count') ?? '';
      setExportNote(file.headers.get('X-Truncated') === 'true' ? t('audit.exportTruncated', { total }) : t('audit.exported', { file: file.filename, total }));
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  if (session?.role !== 'admin') {
    return (
      <div class="card">
        <h1>{t('audit.title')}</h1>
        <p class="muted">{t('audit.adminsOnly')}</p>
      </div>
    );
  }
  const data = log.data;
  return (
    <div class="card" data-testid="audit-page">
      <h1>{t('audit.title')}</h1>
      <p class="muted small">{t('audit.intro')}</p>
      <form class="filters audit-filters" data-testid="audit-filters" onSubmit={apply}>
        <Field label={t('audit.filterCase')} name="case" errors={errors}>
          <input {...field('case')} placeholder="ZZ-20261202-000001" autocomplete="off" data-testid="filter-case" />
        </Field>
        <Field label={t('audit.filterPerson')} name="person" errors={errors}>
          <input {...field('person')} placeholder={t('audit.personHint')} autocomplete="off" data-testid="filter-person" />
        </Field>
        <Field label={t('audit.action')} name="action" errors={errors}>
          <select name="action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })} data-testid="filter-action">
            <option value="">{t('queue.all')}</option>
            {[...OTHER_ACTIONS, ...CASE_ACTION_TYPES].map((a) => (
              <option key={a} value={a}>
                {actionName(a, t)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.outcome')} name="outcome" errors={errors}>
          <select name="outcome" value={draft.outcome} onChange={(e) => setDraft({ ...draft, outcome: e.currentTarget.value })} data-testid="filter-outcome">
            <option value="">{t('queue.all')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {outcomeName(o, t)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.from')} name="from" errors={errors}>
          <input type="date" {...field('from')} data-testid="filter-from" />
        </Field>
        <Field label={t('audit.to')} name="to" errors={errors}>
          <input type="date" {...field('to')} data-testid="filter-to" />
        </Field>
        <div class="buttons audit-buttons">
          <button type="submit" class="primary" data-testid="audit-apply">
            {t('audit.apply')}
          </button>
          <button type="button" onClick={clear} data-testid="audit-clear">
            {t('audit.clear')}
          </button>
          <button type="button" onClick={exportCsv} disabled={exporting} data-testid="audit-export">
            {exporting ? t('audit.exporting') : t('audit.export')}
          </button>
        </div>
      </form>
      {exportNote && (
        <p class="muted small" data-testid="audit-export-note">
          {exportNote}
        </p>
      )}
      <ErrorBanner error={exportError} />
      <ErrorBanner error={log.error} onRetry={log.reload} />
      {data && (
        <>
          <p class="muted" data-testid="audit-total">
            {data.total === 0 ? t('audit.empty') : t('audit.range', { first: data.offset + 1, last: data.offset + data.items.length, total: data.total })}
          </p>
          {data.items.length > 0 && (
            <div class="table-wrap">
              <table class="cases audit" data-testid="audit-table">
                <thead>
                  <tr>
                    <th>{t('audit.at')}</th>
                    <th>{t('audit.who')}</th>
                    <th>{t('audit.action')}</th>
                    <th>{t('audit.case')}</th>
                    <th>{t('audit.subject')}</th>
                    <th>{t('audit.outcome')}</th>
                    <th>{t('audit.address')}</th>
                    <th>{t('audit.detail')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((entry) => (
                    <Row key={entry.id} entry={entry} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.total > PAGE_SIZE && (
            <div class="buttons" data-testid="audit-pager">
              <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                {t('queue.prev')}
              </button>
              <span>
                {Math.floor(offset / PAGE_SIZE) + 1} / {Math.ceil(data.total / PAGE_SIZE)}
              </span>
              <button disabled={offset + PAGE_SIZE >= data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                {t('queue.next')}
              </button>
            </div>
          )}
        </>
      )}
      {log.loading && !data && <p class="muted">{t('common.loading')}</p>}
    </div>
  );
}

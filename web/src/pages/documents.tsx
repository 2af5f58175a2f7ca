/**
 * A case's documents (the mediation agreement as PDF, judicial confirmation), the export
 * buttons of the case list and the dashboard, and the print button with its stylesheet.
 */
import { useState } from 'preact/hooks';
import { api, type CaseView } from '../api';
import type { JudicialConfirmation, JudicialHandoff } from '../../../src/api/views';
import { ErrorBanner, formatDate, useApp, useLoad } from '../app';
import { downloadFile } from '../download';
import { Field } from '../forms';
import '../documents.css';
import '../print.css';

const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A download button that says what it got, or shows the refusal in place. */
function DownloadButton(props: { label: string; path: string; query?: Record<string, string | undefined>; fallback: string; accept: string; testid: string; primary?: boolean; onDone?: (filename: string, headers: Headers) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      const file = await downloadFile(props.path, props.query ?? {}, props.fallback, props.accept);
      props.onDone?.(file.filename, file.headers);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class={props.primary ? 'primary' : ''} disabled={busy} onClick={() => void click()} data-testid={props.testid}>
        {props.label}
      </button>
      {error !== null && <ErrorBanner error={error} />}
    </>
  );
}

/** CSV and Excel of a list or the dashboard, with the page's filters, headers in the reader's language. */
export function ExportButtons(props: { path: '/api/v1/cases' | '/api/v1/dashboard'; query: Record<string, string | undefined>; testid: string }) {
  const { t, lang } = useApp();
  const [note, setNote] = useState<string | null>(null);
  const done = (filename: string, headers: Headers) => {
    const total = headers.get('X-Total-Count');
    if (headers.get('X-Truncated') === 'true') setNote(t('export.truncated', { total: total ?? '' }));
    else setNote(total === null ? t('export.doneDashboard', { file: filename }) : t('export.done', { file: filename, total }));
  };
  const query = { ...props.query, lang };
  return (
    <div class="exports no-print" data-testid={props.testid}>
      <div class="buttons">
        <DownloadButton label={t('export.csv')} path={`${props.path}.csv`} query={query} fallback="export.csv" accept="text/csv" testid={`${props.testid}-csv`} onDone={done} />
        <DownloadButton label={t('export.xlsx')} path={`${props.path}.xlsx`} query={query} fallback="export.xlsx" accept={XLSX} testid={`${props.testid}-xlsx`} onDone={done} />
      </div>
      {note && (
        <p class="muted small" role="status" data-testid={`${props.testid}-note`}>
          {note}
        </p>
      )}
    </div>
  );
}

/** Prints the page as it is, through the print stylesheet (print.css): no navigation, no buttons, A4. */
export function PrintButton() {
  const { t } = useApp();
  return (
    <button type="button" class="no-print" onClick={() => window.print()} data-testid="print">
      {t('print.button')}
    </button>
  );
}

/** The hand-offs to a court, on the case page and the timeline. */
export function HandoffList(props: { caseId: string; handoffs: JudicialHandoff[] }) {
  const { t, lang } = useApp();
  if (props.handoffs.length === 0) return <p class="muted">{t('docs.noHandoffs')}</p>;
  return (
    <ul class="handoffs" data-testid="handoffs">
      {props.handoffs.map((h) => (
        <li key={h.n} data-testid={`handoff-${h.n}`}>
          <span>{t('docs.handoff', { court: h.court, name: h.by.name ?? h.by.personId, at: formatDate(h.at, lang) })}</span>{' '}
          <DownloadButton label={t('docs.bundle')} path={`/api/v1/cases/${props.caseId}/judicial-confirmations/${h.n}/bundle.pdf`} fallback="bundle.pdf" accept={PDF} testid={`bundle-${h.n}`} />
        </li>
      ))}
    </ul>
  );
}

function PrepareForm(props: { caseId: string; onDone: (handoff: JudicialHandoff) => void; onCancel: () => void }) {
  const { t } = useApp();
  const [court, setCourt] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (court.trim().length < 2) {
      setErrors({ court: t('docs.courtMissing') });
      return;
    }
    setErrors({});
    setBusy(true);
    setError(null);
    try {
      props.onDone(await api<JudicialHandoff>('POST', `/api/v1/cases/${props.caseId}/judicial-confirmations`, { body: { court: court.trim() } }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="action-form" onSubmit={(e) => void submit(e)} data-testid="form-judicial" noValidate>
      <p class="muted small">{t('docs.prepareIntro')}</p>
      <Field label={t('docs.court')} name="court" errors={errors} hint={t('docs.courtHint')}>
        <input name="court" value={court} maxLength={200} onInput={(e) => setCourt(e.currentTarget.value)} data-testid="court" />
      </Field>
      {error !== null && <ErrorBanner error={error} />}
      <div class="buttons">
        <button type="submit" class="primary" disabled={busy} data-testid="submit-judicial">
          {t('docs.prepareSubmit')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('docs.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The agreement's PDF and judicial confirmation, on the page of a case whose mediation ended in an agreement. */
export function CaseDocuments(props: { caseView: CaseView }) {
  const { t, lang, session } = useApp();
  const c = props.caseView;
  const hasAgreement = c.outcome === 'agreement' && c.agreement !== null;
  const judicial = useLoad(() => (hasAgreement ? api<JudicialConfirmation>('GET', `/api/v1/cases/${c.id}/judicial-confirmations`) : Promise.resolve(null)), [c.id, c.updatedAt, hasAgreement, session?.personId]);
  const [preparing, setPreparing] = useState(false);
  const [prepared, setPrepared] = useState<JudicialHandoff | null>(null);
  if (!hasAgreement) return null;
  const j = judicial.data;
  const passed = j?.applyBy ? Date.parse(j.applyBy) < Date.now() : false;
  return (
    <section class="card case-documents" data-testid="case-documents">
      <h2>{t('docs.title')}</h2>
      <p class="muted small no-print">{t('docs.agreementHint')}</p>
      <div class="buttons no-print">
        <DownloadButton label={t('docs.agreementPdf')} path={`/api/v1/cases/${c.id}/agreement.pdf`} fallback="agreement.pdf" accept={PDF} testid="agreement-pdf" primary />
        {j?.mayPrepare && !preparing && (
          <button type="button" onClick={() => setPreparing(true)} data-testid="prepare-judicial">
            {t('docs.prepare')}
          </button>
        )}
      </div>
      {j?.applyBy && (
        <p class={passed ? 'banner warn' : 'muted'} data-testid="apply-by">
          {t(passed ? 'docs.applyByPassed' : 'docs.applyBy', { date: new Date(j.applyBy).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB') })}
        </p>
      )}
      {preparing && (
        <PrepareForm
          caseId={c.id}
          onCancel={() => setPreparing(false)}
          onDone={(handoff) => {
            setPreparing(false);
            setPrepared(handoff);
            judicial.reload();
          }}
        />
      )}
      {prepared && (
        <div class="banner ok no-print" role="status" data-testid="judicial-done">
          {t('docs.prepared', { court: prepared.court })}
        </div>
      )}
      <ErrorBanner error={judicial.error} onRetry={judicial.reload} />
      {j && (
        <>
          <h3>{t('docs.handoffs')}</h3>
          <HandoffList caseId={c.id} handoffs={j.handoffs} />
        </>
      )}
    </section>
  );
}

/** The hand-offs on the administrators' timeline. */
export function TimelineHandoffs(props: { caseId: string }) {
  const { t, session } = useApp();
  const judicial = useLoad(() => api<JudicialConfirmation>('GET', `/api/v1/cases/${props.caseId}/judicial-confirmations`), [props.caseId, session?.personId]);
  const j = judicial.data;
  if (!j || j.agreementAt === null) return null;
  return (
    <div class="card" data-testid="timeline-handoffs">
      <h2>{t('docs.handoffs')}</h2>
      <HandoffList caseId={props.caseId} handoffs={j.handoffs} />
    </div>
  );
}

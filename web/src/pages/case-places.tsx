/**
 * A case's place and its likely duplicates on its page: the small map, the pointer of a
 * duplicate to its original (and of an original to its duplicates), and for centre staff
 * the similar open cases it may repeat.
 */
import type { SimilarCases } from '../../../src/api/views';
import { api, type CaseView } from '../api';
import { formatDate, Link, useApp, useLoad } from '../app';
import { PointMap } from '../map';
import { Field } from '../forms';

const STAFF = new Set(['admin', 'mediator', 'grid_worker']);

/** The pointer a duplicate carries to the case that handles its problem. */
export function DuplicateNote(props: { caseView: CaseView }) {
  const { t } = useApp();
  const link = props.caseView.duplicateOf;
  if (!link) return null;
  return (
    <div class="banner info" role="note" data-testid="duplicate-of">
      {t('dup.pointer', { n: link.caseNumber })}{' '}
      <Link href={`/cases/${link.id}`} data-testid="duplicate-of-link">
        {t('dup.open')} →
      </Link>
    </div>
  );
}

export function CasePlaces(props: { caseView: CaseView }) {
  const { t, session } = useApp();
  const c = props.caseView;
  // A case reported without a position has its village and address, which say more than a dot on its village.
  const own = c.location.lat !== null && c.location.lng !== null ? { lat: c.location.lat, lng: c.location.lng } : null;
  const staff = session !== null && STAFF.has(session.role);
  const hidden = c.duplicates.count - c.duplicates.items.length;
  return (
    <>
      {c.duplicates.count > 0 && (
        <section class="card" data-testid="duplicates">
          <h2>{t('dup.linked')}</h2>
          <ul>
            {c.duplicates.items.map((d) => (
              <li key={d.id}>
                <Link href={`/cases/${d.id}`}>{d.caseNumber}</Link>
              </li>
            ))}
          </ul>
          {hidden > 0 && <p class="muted">{t('dup.linkedHidden', { n: hidden })}</p>}
        </section>
      )}
      {own && (
        <section class="card" data-testid="case-location">
          <h2>{t('loc.title')}</h2>
          <PointMap lat={own.lat} lng={own.lng} testid="case-map" />
          <p class="muted small">
            {own.lat}, {own.lng}
            {c.location.accuracy !== null && ` · ±${c.location.accuracy} m`}
            {c.location.source && ` · ${t(`loc.source.${c.location.source}`)}`}
          </p>
        </section>
      )}
      {staff && c.status === 'open' && !c.readOnly && <SimilarOnCase caseView={c} />}
    </>
  );
}

function SimilarOnCase(props: { caseView: CaseView }) {
  const { t, lang, centreName } = useApp();
  const c = props.caseView;
  const similar = useLoad(() => api<SimilarCases>('GET', `/api/v1/cases/${c.id}/similar`), [c.id, c.updatedAt]);
  const items = similar.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section class="card" data-testid="similar-cases">
      <h2>{t('similar.title')}</h2>
      <p class="muted small">{t('similar.rule', { m: similar.data?.rule.withinMetres ?? 0, d: similar.data?.rule.withinDays ?? 0 })}</p>
      <ul>
        {items.map((item) => (
          <li key={item.id} data-testid="similar-item">
            <Link href={`/cases/${item.id}`}>{item.caseNumber}</Link> {item.title}{' '}
            <span class="muted small">
              · {t(`stage.${item.stage}`)} · {item.sameVillage ? t('similar.sameVillage') : centreName(item.villageId)}
              {item.metres !== null && ` · ${t('similar.metres', { m: item.metres })}`} · {formatDate(item.receivedAt, lang)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The mark_duplicate form's choice: the similar open cases this one may repeat. */
export function OriginalCaseField(props: { caseId: string; value: string; onChange(id: string): void; errors: Record<string, string> }) {
  const { t } = useApp();
  const similar = useLoad(() => api<SimilarCases>('GET', `/api/v1/cases/${props.caseId}/similar`), [props.caseId]);
  const items = similar.data?.items ?? [];
  return (
    <Field label={t('field.originalCase')} name="originalCaseId" errors={props.errors}>
      <select name="originalCaseId" value={props.value} onChange={(ev) => props.onChange(ev.currentTarget.value)}>
        <option value="">{items.length === 0 && !similar.loading ? t('dup.noCandidates') : t('field.choose')}</option>
        {items.map((item) => (
          <option key={item.id} value={item.id}>
            {item.caseNumber} · {item.title}
            {item.metres !== null ? ` · ${t('similar.metres', { m: item.metres })}` : ''}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** How a case travelled between centres: why it came to the one holding it, and where it went from those it left. */
import type { CaseView } from '../api';
import { formatDate, useApp } from '../app';

type Move = CaseView['moves'][number];

/** Staff of a centre the case has left follow it here; they act on it no more. */
export function ReadOnlyNote(props: { caseView: CaseView }) {
  const { t, centreName } = useApp();
  if (!props.caseView.readOnly) return null;
  return (
    <div class="banner info" role="status" data-testid="read-only-note">
      {t('case.readOnly', { centre: centreName(props.caseView.centreId) })}
    </div>
  );
}

function causeText(move: Move, t: ReturnType<typeof useApp>['t']): string {
  if (move.cause === 'deadline') return t('case.cause.deadline', { stage: move.stageMissed ? t(`stage.${move.stageMissed}`) : '' });
  if (move.cause === 'risk') return t('case.cause.risk', { risk: move.risk ? t(`risk.${move.risk}`) : '', level: t(`level.${move.toLevel}`) });
  if (move.cause === 'transfer') return t('case.cause.transfer', { reason: move.reason ?? '—' });
  if (move.cause === 'refused') return t('case.cause.refused', { reason: move.reason ?? '—' });
  return move.reason ?? '—';
}

function SenderText(props: { move: Move }) {
  const { t } = useApp();
  const by = props.move.by;
  if (!by) return <>{t('case.bySystem')}</>;
  return (
    <>
      {by.name ?? by.personId} <span class="muted">({t(`role.${by.role}`)})</span>
    </>
  );
}

/** The move that brought the case here, told in full. */
function LastMove(props: { move: Move }) {
  const { t, lang, centreName } = useApp();
  const m = props.move;
  return (
    <dl class="facts" data-testid="last-move">
      <dt>{t('case.from')}</dt>
      <dd data-testid="move-from">{centreName(m.fromCentreId)}</dd>
      <dt>{t('case.sentBy')}</dt>
      <dd data-testid="move-by">
        <SenderText move={m} />
      </dd>
      <dt>{t('case.reason')}</dt>
      <dd data-testid="move-reason" class="move-reason">
        {causeText(m, t)}
      </dd>
      <dt>{t('case.sentAt')}</dt>
      <dd>{formatDate(m.at, lang)}</dd>
    </dl>
  );
}

/** The stages the case went through before it came here: what was done, where, and which deadlines were missed. */
function EarlierStages(props: { caseView: CaseView; before: string }) {
  const { t, lang, centreName } = useApp();
  const earlier = props.caseView.stages.filter((s) => s.enteredAt < props.before);
  if (earlier.length === 0) return null;
  return (
    <>
      <h3>{t('case.earlierStages')}</h3>
      <ol class="earlier-stages" data-testid="earlier-stages">
        {earlier.map((s, i) => (
          <li key={i} class={s.breached ? 'breached' : ''}>
            {t(`stage.${s.stage}`)} · {centreName(s.centreId)} <span class="muted small">{formatDate(s.enteredAt, lang)}</span>
            {s.breached && <span class="badge overdue">{t('case.stageMissed')}</span>}
          </li>
        ))}
      </ol>
    </>
  );
}

/**
 * For the centre holding the case: why it came, from whom, and what was done before. For
 * a centre it left: the way it went since.
 */
export function Moves(props: { caseView: CaseView }) {
  const { t, centreName } = useApp();
  const c = props.caseView;
  const last = c.moves.at(-1);
  if (!last) return null;
  const earlier = c.moves.slice(0, -1);
  return (
    <section class="card why-here" data-testid="moves">
      <h2>{c.readOnly ? t('case.moves') : t('case.whyHere')}</h2>
      <LastMove move={last} />
      {earlier.length > 0 && (
        <ul class="moves" data-testid="earlier-moves">
          {earlier.map((m, i) => (
            <li key={i}>
              {centreName(m.fromCentreId)} → {centreName(m.toCentreId)} · {causeText(m, t)}
            </li>
          ))}
        </ul>
      )}
      <EarlierStages caseView={c} before={last.at} />
    </section>
  );
}

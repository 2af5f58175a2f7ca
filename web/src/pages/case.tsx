import { useState } from 'preact/hooks';
import { api, type ActionType, type CaseView } from '../api';
import { ErrorBanner, formatDate, Link, RiskBadge, StageBadge, TimeLeft, useApp, useLoad } from '../app';
import { CaseFilesStrip } from './case-files';
import { useDepartmentName } from '../departments';
import { ActionForm } from './actions';
import { Moves, ReadOnlyNote } from './moves';
import { ClocksPanel } from './clocks';
import { progressSteps } from '../progress';
import { DepartmentTasks } from './department-tasks';
import { CaseDocuments, PrintButton } from './documents';
import { CaseDeliveries } from '../notifications';
import { CasePlaces, DuplicateNote } from './case-places';


function Progress(props: { caseView: CaseView }) {
  const { t } = useApp();
  const steps = progressSteps(props.caseView.stages.map((v) => v.stage), props.caseView.stage);
  return (
    <ol class="progress" aria-label={t('case.progress')} data-testid="progress">
      {steps.map((step, i) => (
        <li key={`${step.stage}-${i}`} class={step.state === 'ahead' ? '' : step.state} aria-current={step.state === 'current' ? 'step' : undefined} data-stage={step.stage}>
          <span class="dot">{step.state === 'done' ? '✓' : i + 1}</span>
          <span class="name">{t(`stage.${step.stage}`)}</span>
        </li>
      ))}
    </ol>
  );
}

/** What happened so far, from the case itself (the full event log is the administrators' timeline). */
function History(props: { caseView: CaseView }) {
  const { t, lang, centreName } = useApp();
  const departmentName = useDepartmentName();
  const c = props.caseView;
  const items: { at: string; text: string }[] = [{ at: c.receivedAt, text: `${t('event.reported')} · ${centreName(c.location.centreId)}` }];
  // Each stage it entered (acceptance, assessment, mediation, …); moves between centres say why.
  for (const visit of c.stages.slice(1)) {
    if (visit.stage === 'escalation') continue;
    const who = visit.stage === 'mediation' && c.mediator?.name ? ` · ${t('history.mediator', { name: c.mediator.name })}` : '';
    items.push({ at: visit.enteredAt, text: `${t('history.entered', { stage: t(`stage.${visit.stage}`) })} · ${centreName(visit.centreId)}${who}` });
  }
  for (const visit of c.stages) {
    if (visit.breached && visit.deadline) items.push({ at: visit.deadline, text: `${t('history.breached', { stage: t(`stage.${visit.stage}`) })} · ${centreName(visit.centreId)}` });
  }
  for (const move of c.moves) {
    const by = move.by?.name ? ` · ${move.by.name}` : '';
    items.push({ at: move.at, text: `${t(`history.move.${move.cause}`, { centre: centreName(move.toCentreId) })}${by}` });
  }
  if (c.opinion) items.push({ at: c.opinion.at, text: `${t('event.opinion_submitted')} · ${c.expert?.name ?? c.opinion.expertId}` });
  for (const s of c.sessions) items.push({ at: s.at, text: `${t('event.session_recorded')} · ${s.summary}` });
  for (const task of c.departmentTasks) {
    items.push({ at: task.assignedAt, text: `${t('event.department_assigned')} · ${departmentName(task.departmentId)}` });
    if (task.result) items.push({ at: task.result.at, text: `${t(task.status === 'refused' ? 'event.department_refused' : 'event.department_reported')} · ${departmentName(task.departmentId)}` });
  }
  if (c.duplicateOf) items.push({ at: c.duplicateOf.at, text: `${t('event.marked_duplicate')} · ${c.duplicateOf.caseNumber}` });
  if (c.closedAt) items.push({ at: c.closedAt, text: t('stage.closed') });
  items.sort((a, b) => a.at.localeCompare(b.at));
  return (
    <ul class="history" data-testid="history">
      {items.map((item, i) => (
        <li key={i}>
          <time>{formatDate(item.at, lang)}</time> {item.text}
        </li>
      ))}
    </ul>
  );
}

export function CasePage(props: { id: string }) {
  const { t, lang, session, centreName, name, categories } = useApp();
  const loaded = useLoad(() => api<CaseView>('GET', `/api/v1/cases/${props.id}`), [props.id, session?.personId]);
  const [open, setOpen] = useState<ActionType | null>(null);
  const [done, setDone] = useState<ActionType | null>(null);

  if (loaded.error && !loaded.data) return <ErrorBanner error={loaded.error} onRetry={loaded.reload} />;
  const c = loaded.data;
  if (!c) return <p class="muted">{t('common.loading')}</p>;
  const category = categories.find((k) => k.code === c.category);
  const actions = c.allowedActions;

  // A centre the case has left follows it: the note says so, and there is nothing to press.
  // Right after sending it on, the card stays to confirm what was done.
  const showActions = !c.readOnly || actions.length > 0 || done !== null;
  const forDepartment = session?.role === 'department';

  return (
    <div class="case" data-testid="case-page" data-stage={c.stage}>
      <ReadOnlyNote caseView={c} />
      <DuplicateNote caseView={c} />
      <div class="card">
        <div class="case-head">
          <div>
            <div class="muted small">
              {t('case.number')} <span data-testid="case-number">{c.caseNumber}</span>
            </div>
            <h1 data-testid="case-title">{c.title}</h1>
          </div>
          <div class="badges">
            <StageBadge stage={c.stage} />
            {session?.role !== 'resident' && <RiskBadge risk={c.risk} />}
            <span class={`badge status-${c.status}`}>{t(`status.${c.status}`)}</span>
          </div>
        </div>
        <Progress caseView={c} />
        <dl class="facts">
          <dt>{t('case.stage')}</dt>
          <dd data-testid="case-stage">{t(`stage.${c.stage}`)}</dd>
          <dt>{t('case.holder')}</dt>
          <dd data-testid="case-holder">
            {centreName(c.centreId)} <span class="muted">({t(`level.${c.level}`)})</span>
          </dd>
          {!c.clocks.workingTime && (
            <>
              <dt>{t('case.deadline')}</dt>
              <dd>
                <TimeLeft deadline={c.deadline} overdue={c.overdue} status={c.status} />
              </dd>
            </>
          )}
          <dt>{t('case.category')}</dt>
          <dd>
            {category ? name(category.name) : c.category} · {t(`kind.${c.kind}`)}
          </dd>
          <dt>{t('case.place')}</dt>
          <dd>
            {centreName(c.location.centreId)} · {c.location.address}
          </dd>
          <dt>{t('case.complainant')}</dt>
          <dd>
            {c.complainant.name} · {c.complainant.phone}
          </dd>
          <dt>{t('case.received')}</dt>
          <dd>
            {formatDate(c.receivedAt, lang)} · {t(`channel.${c.channel}`)}
          </dd>
          <dt>{t('case.mediator')}</dt>
          <dd data-testid="case-mediator">{c.mediator ? (c.mediator.name ?? c.mediator.id) : <span class="muted">{t('case.notAssigned')}</span>}</dd>
          <dt>{t('case.expert')}</dt>
          <dd data-testid="case-expert">{c.expert ? (c.expert.name ?? c.expert.id) : <span class="muted">{t('case.notAssigned')}</span>}</dd>
          {c.reopenCount > 0 && (
            <>
              <dt>{t('case.reopenCount')}</dt>
              <dd>{c.reopenCount}</dd>
            </>
          )}
        </dl>
        {c.description && <p class="description">{c.description}</p>}
        <p class="buttons no-print">
          {session?.role === 'admin' && (
            <Link class="button" href={`/cases/${c.id}/timeline`} data-testid="timeline-link">
              {t('tl.open')} →
            </Link>
          )}
          <PrintButton />
        </p>
      </div>

      <CaseFilesStrip caseView={c} />
      <CasePlaces caseView={c} />

      {/* Department staff come for their task; how the case moved between centres is the centres' business. */}
      {forDepartment && <DepartmentTasks caseView={c} />}

      <ClocksPanel caseView={c} />

      {!forDepartment && <Moves caseView={c} />}

      {!forDepartment && <DepartmentTasks caseView={c} />}

      {showActions && (
        <div class="card" data-testid="actions">
          <h2>{t('action.title')}</h2>
          {done && (
            <div class="banner ok" role="status" data-testid="action-done">
              {t('action.done', { action: t(`action.${done}`) })}
            </div>
          )}
          {loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={loaded.reload} />}
          {actions.length === 0 ? (
            <p class="muted" data-testid="no-actions">
              {t('action.noneAllowed')}
            </p>
          ) : (
            <div class="buttons action-buttons">
              {actions.map((type) => (
                <button
                  key={type}
                  class={open === type ? 'primary' : ''}
                  data-testid={`action-${type}`}
                  onClick={() => {
                    setOpen(open === type ? null : type);
                    setDone(null);
                  }}
                >
                  {t(`action.${type}`)}
                </button>
              ))}
            </div>
          )}
          {open && actions.includes(open) && (
            <ActionForm
              key={`${open}-${c.updatedAt}`}
              caseView={c}
              type={open}
              onCancel={() => setOpen(null)}
              onDone={(updated) => {
                loaded.setData(updated);
                setDone(open);
                setOpen(null);
              }}
            />
          )}
        </div>
      )}

      <div class="grid2">
        {c.kind !== 'hazard' && <section class="card" data-testid="parties">
          <h2>{t('case.parties')}</h2>
          {c.parties.length === 0 ? (
            <p class="muted">{t('case.noParties')}</p>
          ) : (
            <ul>
              {c.parties.map((p, i) => (
                <li key={i}>
                  {p.name} <span class="muted">· {p.role}</span>
                </li>
              ))}
            </ul>
          )}
          {c.affectedCount !== null && (
            <p class="muted">
              {t('field.affectedCount')}: {c.affectedCount}
            </p>
          )}
        </section>}
        <section class="card" data-testid="opinion">
          <h2>{t('case.opinion')}</h2>
          {c.expertQuestion && (
            <div class="question" data-testid="expert-question">
              <strong>{t('case.question')}:</strong> {c.expertQuestion.question}{' '}
              <span class="muted small">
                · {t(`specialty.${c.expertQuestion.specialty}`)} · {formatDate(c.expertQuestion.requestedAt, lang)}
                {c.expertQuestion.open && ` · ${t('case.questionOpen')}`}
              </span>
            </div>
          )}
          {c.opinion ? (
            <>
              <p class="opinion">{c.opinion.text}</p>
              <p class="muted small">
                {c.expert?.name ?? c.opinion.expertId} · {formatDate(c.opinion.at, lang)}
              </p>
            </>
          ) : (
            <p class="muted">{c.expert ? `${t('stage.expert_consultation')} · ${c.expert.name ?? c.expert.id}` : '—'}</p>
          )}
        </section>
        {c.kind !== 'hazard' && <section class="card" data-testid="sessions">
          <h2>{t('case.sessions')}</h2>
          {c.sessions.length === 0 ? (
            <p class="muted">{t('case.noSessions')}</p>
          ) : (
            <ol>
              {c.sessions.map((s, i) => (
                <li key={i}>
                  {s.summary} <span class="muted small">· {formatDate(s.at, lang)}</span>
                </li>
              ))}
            </ol>
          )}
        </section>}
        <section class="card" data-testid="outcome">
          <h2>{c.outcome ? t(`outcome.${c.outcome}`) : t(c.kind === 'hazard' ? 'case.disposalTitle' : 'case.agreement')}</h2>
          {c.agreement && (
            <table class="terms" data-testid="agreement">
              <thead>
                <tr>
                  <th>{t('field.termParty')}</th>
                  <th>{t('field.termObligation')}</th>
                </tr>
              </thead>
              <tbody>
                {c.agreement.map((term, i) => (
                  <tr key={i}>
                    <td>{term.party}</td>
                    <td>{term.obligation}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {c.failure && (
            <p>
              {c.failure.reason} → {t(`referral.${c.failure.referral}`)}
            </p>
          )}
          {c.disposal && <p>{c.disposal}</p>}
          {c.closureSummary && (
            <p>
              <strong>{t('case.closure')}:</strong> {c.closureSummary}
            </p>
          )}
          {c.rating !== null && (
            <p data-testid="rating">
              <strong>{t('case.rating')}:</strong> <span class="stars-static">{'★'.repeat(c.rating)}{'☆'.repeat(5 - c.rating)}</span> {c.feedbackComment ?? ''}
            </p>
          )}
          {!c.outcome && !c.closureSummary && c.rating === null && <p class="muted">—</p>}
        </section>
      </div>

      <CaseDocuments caseView={c} />

      <section class="card">
        <h2>{t('case.history')}</h2>
        <History caseView={c} />
      </section>

      <CaseDeliveries caseId={c.id} />
    </div>
  );
}

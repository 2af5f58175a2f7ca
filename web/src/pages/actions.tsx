import { useState } from 'preact/hooks';
import { api, REFERRALS, RISKS, SPECIALTIES, type CaseView, type PoolMember } from '../api';
import { ErrorBanner, useApp, useLoad } from '../app';
import { Field, FormFooter, useSubmit } from '../forms';

/** The form behind one allowed action; posts it and hands the updated case back. */
export function ActionForm(props: { caseView: CaseView; type: string; onDone(updated: CaseView): void; onCancel(): void }) {
  const { t, name, lang } = useApp();
  const c = props.caseView;
  const type = props.type;
  const [text, setText] = useState('');
  const [risk, setRisk] = useState<string>(c.risk);
  const [specialty, setSpecialty] = useState(type === 'request_expert' ? 'legal' : '');
  const [personId, setPersonId] = useState('');
  const [referral, setReferral] = useState('');
  const [rating, setRating] = useState(0);
  const [terms, setTerms] = useState<{ party: string; obligation: string }[]>(() =>
    type === 'record_agreement' ? (c.parties.length > 0 ? c.parties.map((p) => ({ party: p.name, obligation: '' })) : [{ party: '', obligation: '' }]) : [],
  );

  const pool = useLoad<PoolMember[]>(async () => {
    if (type !== 'request_expert' && type !== 'assign_mediator') return [];
    const role = type === 'request_expert' ? 'expert' : 'mediator';
    const res = await api<{ items: PoolMember[] }>('GET', '/api/v1/people', { query: { role } });
    // People at the case's centre or above: the ones the API will accept.
    return res.items.filter((p) => c.centrePath.includes(p.centreId));
  }, [type, c.id]);

  const body = (): Record<string, unknown> => {
    switch (type) {
      case 'accept':
        return { type };
      case 'assess':
        return { type, risk, factors: c.riskFactors, ...(text.trim() ? { note: text } : {}) };
      case 'escalate':
      case 'reopen':
        return { type, reason: text };
      case 'request_expert':
        return { type, question: text, ...(specialty ? { specialty } : {}), ...(personId ? { expertId: personId } : {}) };
      case 'submit_opinion':
        return { type, opinion: text };
      case 'assign_mediator':
        return personId ? { type, mediatorId: personId } : { type };
      case 'record_session':
      case 'record_disposal':
      case 'close':
        return { type, summary: text };
      case 'record_agreement':
        return { type, terms };
      case 'record_failure':
        return { type, reason: text, referral };
      case 'feedback':
        return { type, rating, ...(text.trim() ? { comment: text } : {}) };
      default:
        return { type };
    }
  };

  const form = useSubmit(
    () => api<CaseView>('POST', `/api/v1/cases/${c.id}/actions`, { body: body() }),
    (updated) => props.onDone(updated),
  );
  const e = form.errors;

  const textField = (label: string, fieldName: string, rows = 3, optional = false) => (
    <Field label={label} name={fieldName} errors={e} optional={optional}>
      <textarea name={fieldName} rows={rows} value={text} onInput={(ev) => setText(ev.currentTarget.value)} />
    </Field>
  );

  let fields = null;
  switch (type) {
    case 'accept':
      fields = null;
      break;
    case 'assess':
      fields = (
        <>
          <Field label={t('field.risk')} name="risk" errors={e}>
            <select name="risk" value={risk} onChange={(ev) => setRisk(ev.currentTarget.value)}>
              {RISKS.map((r) => (
                <option key={r} value={r}>
                  {t(`risk.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          {c.riskFactors.length > 0 && (
            <ul class="factors">
              {c.riskFactors.map((f) => (
                <li key={f.code}>
                  {name(f.label)} <span class="muted">+{f.points}</span>
                </li>
              ))}
            </ul>
          )}
          {textField(t('field.note'), 'note', 2, true)}
        </>
      );
      break;
    case 'escalate':
    case 'reopen':
      fields = textField(t('field.reason'), 'reason');
      break;
    case 'request_expert':
      fields = (
        <>
          {textField(t('field.question'), 'question')}
          <Field label={t('field.specialty')} name="specialty" errors={e}>
            <select name="specialty" value={specialty} onChange={(ev) => setSpecialty(ev.currentTarget.value)}>
              <option value="">{t('field.choose')}</option>
              {SPECIALTIES.map((s) => (
                <option key={s} value={s}>
                  {t(`specialty.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('field.expert')} name="expertId" errors={e}>
            <select name="expertId" value={personId} onChange={(ev) => setPersonId(ev.currentTarget.value)}>
              <option value="">{t('field.anyExpert')}</option>
              {(pool.data ?? [])
                .filter((p) => !specialty || p.specialties.includes(specialty))
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                    {p.title ? ` · ${p.title}` : ''} · {p.specialties.map((s) => t(`specialty.${s}`)).join(lang === 'zh' ? '、' : ', ')}
                  </option>
                ))}
            </select>
          </Field>
        </>
      );
      break;
    case 'submit_opinion':
      fields = textField(t('field.opinion'), 'opinion', 6);
      break;
    case 'assign_mediator':
      fields = (
        <Field label={t('field.mediator')} name="mediatorId" errors={e}>
          <select name="mediatorId" value={personId} onChange={(ev) => setPersonId(ev.currentTarget.value)}>
            <option value="">{t('field.anyMediator')}</option>
            {(pool.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} · {p.specialties.map((s) => t(`specialty.${s}`)).join(lang === 'zh' ? '、' : ', ')} ({p.load})
              </option>
            ))}
          </select>
        </Field>
      );
      break;
    case 'record_session':
    case 'record_disposal':
    case 'close':
      fields = textField(t('field.summary'), 'summary', 4);
      break;
    case 'record_agreement':
      fields = (
        <fieldset>
          <legend>{t('field.terms')}</legend>
          {e.terms && (
            <div class="field-error" role="alert" data-testid="error-terms">
              {e.terms}
            </div>
          )}
          {terms.map((term, index) => (
            <div class="row-party" key={index} data-testid="term-row">
              <Field label={t('field.termParty')} name={`terms.${index}.party`} errors={e}>
                <input name={`term-party-${index}`} value={term.party} onInput={(ev) => setTerms(terms.map((x, i) => (i === index ? { ...x, party: ev.currentTarget.value } : x)))} />
              </Field>
              <Field label={t('field.termObligation')} name={`terms.${index}.obligation`} errors={e}>
                <input
                  name={`term-obligation-${index}`}
                  value={term.obligation}
                  onInput={(ev) => setTerms(terms.map((x, i) => (i === index ? { ...x, obligation: ev.currentTarget.value } : x)))}
                />
              </Field>
              <button type="button" class="link" onClick={() => setTerms(terms.filter((_, i) => i !== index))}>
                {t('field.remove')}
              </button>
            </div>
          ))}
          <button type="button" data-testid="add-term" onClick={() => setTerms([...terms, { party: '', obligation: '' }])}>
            + {t('field.addTerm')}
          </button>
        </fieldset>
      );
      break;
    case 'record_failure':
      fields = (
        <>
          {textField(t('field.reason'), 'reason')}
          <Field label={t('field.referral')} name="referral" errors={e}>
            <select name="referral" value={referral} onChange={(ev) => setReferral(ev.currentTarget.value)}>
              <option value="">{t('field.choose')}</option>
              {REFERRALS.map((r) => (
                <option key={r} value={r}>
                  {t(`referral.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        </>
      );
      break;
    case 'feedback':
      fields = (
        <>
          <Field label={t('field.rating')} name="rating" errors={e}>
            <div class="stars" role="radiogroup">
              {[1, 2, 3, 4, 5].map((n) => (
                <button
                  type="button"
                  key={n}
                  role="radio"
                  aria-checked={rating === n}
                  aria-label={t('case.stars', { n })}
                  data-testid={`star-${n}`}
                  class={n <= rating ? 'star on' : 'star'}
                  onClick={() => setRating(n)}
                >
                  ★
                </button>
              ))}
            </div>
          </Field>
          {textField(t('field.comment'), 'comment', 2, true)}
        </>
      );
      break;
  }

  return (
    <form class="action-form" onSubmit={form.submit} noValidate data-testid={`form-${type}`}>
      <h3>{t(`action.${type}`)}</h3>
      {pool.error !== null && <ErrorBanner error={pool.error} onRetry={pool.reload} />}
      {fields}
      <FormFooter busy={form.busy} error={form.error} errors={e} label={t(`action.${type}`)} onCancel={props.onCancel} testid={`submit-${type}`} />
    </form>
  );
}

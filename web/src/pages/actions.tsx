import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, PAUSE_REASONS, type Department, REFERRALS, RISKS, SPECIALTIES, type ActionOf, type ActionType, type CaseView, type PoolMember, type Span } from '../api';
import { ErrorBanner, useApp, useLoad, type AppState } from '../app';
import { Field, FormFooter, useSubmit } from '../forms';
import { orderReason, spanText } from './clocks';
import { FilePicker, NO_FILES, type PickedFiles } from '../files';
import { OriginalCaseField } from './case-places';

/** What a form has typed so far: one set of inputs, each form uses the ones it needs. */
interface Inputs {
  text: string;
  risk: string;
  specialty: string;
  personId: string;
  referral: string;
  rating: number;
  terms: { party: string; obligation: string }[];
  /** A moment typed into a datetime-local input, in the browser's time zone. */
  when: string;
  orderId: string;
  /** Photos and PDFs uploaded for the action, and whether some are still uploading. */
  files: PickedFiles;
}

interface FormContext {
  app: AppState;
  caseView: CaseView;
  inputs: Inputs;
  set(change: Partial<Inputs>): void;
  errors: Record<string, string>;
  pool: PoolMember[];
}

/**
 * One entry per action: the fields it shows and the body it posts. The body's type is the
 * domain's action, so a form that posts what the API would refuse does not compile.
 */
interface ActionFormSpec<T extends ActionType> {
  /** Whom the form offers to choose from, if anyone. */
  pool?: 'mediator' | 'expert';
  initial?(caseView: CaseView): Partial<Inputs>;
  /** The reader's words for a field's error; the API's own reason (English) is kept for fields not named here. */
  message?(field: string, reason: string, t: AppState['t']): string | undefined;
  fields(form: FormContext): JSX.Element | null;
  body(inputs: Inputs, caseView: CaseView): ActionOf<T>;
}

const trimmed = (text: string): string | undefined => (text.trim() ? text : undefined);

function TextField(props: { form: FormContext; label: string; name: string; rows?: number; optional?: boolean }) {
  const { form } = props;
  return (
    <Field label={props.label} name={props.name} errors={form.errors} optional={props.optional ?? false}>
      <textarea name={props.name} rows={props.rows ?? 3} value={form.inputs.text} onInput={(ev) => form.set({ text: ev.currentTarget.value })} />
    </Field>
  );
}

function specialtiesOf(form: FormContext, person: PoolMember): string {
  return person.specialties.map((s) => form.app.t(`specialty.${s}`)).join(form.app.lang === 'zh' ? '、' : ', ');
}

/** A new specialty keeps the chosen expert only if they have it; otherwise the system chooses, as the list now shows. */
function withSpecialty(form: FormContext, specialty: string): Partial<Inputs> {
  const chosen = form.pool.find((p) => p.id === form.inputs.personId);
  const stillListed = chosen !== undefined && (!specialty || chosen.specialties.includes(specialty));
  return { specialty, personId: stillListed ? form.inputs.personId : '' };
}

/** A datetime-local value as the API takes it; an empty or unreadable one is sent empty, so the API names the field. */
function isoOf(local: string): string {
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? local : new Date(ms).toISOString();
}

/** A moment as a datetime-local input shows it, in the browser's time zone. */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** `days` days from now at hh:mm, skipping weekends when `workingDays` (the browser knows no holidays; the API counts them). */
function daysAhead(days: number, hour: number, minute: number, workingDays: boolean, now = new Date()): string {
  const date = new Date(now);
  let left = days;
  while (left > 0) {
    date.setDate(date.getDate() + 1);
    if (!workingDays || (date.getDay() !== 0 && date.getDay() !== 6)) left -= 1;
  }
  date.setHours(hour, minute, 0, 0);
  return localInputValue(date);
}

function WhenField(props: { form: FormContext; label: string; name: string; hint?: string }) {
  const { form } = props;
  return (
    <Field label={props.label} name={props.name} errors={form.errors} {...(props.hint ? { hint: props.hint } : {})}>
      <input type="datetime-local" name={props.name} min={localInputValue(new Date())} value={form.inputs.when} onInput={(ev) => form.set({ when: ev.currentTarget.value })} />
    </Field>
  );
}

/** "the pauses of a case may total at most 30 calendar days; 29 calendar days are left", in the reader's words. */
function pauseAllowanceText(reason: string, t: AppState['t']): string | undefined {
  const match = /at most (\d+(?:\.\d+)?) (\w+ \w+); (\d+) (\w+ \w+) are left/.exec(reason);
  if (!match) return undefined;
  const span = (amount: string | undefined, unit: string | undefined) => spanText({ amount: Number(amount), unit: (unit ?? '').replace(' ', '_') as Span['unit'] }, t);
  return t('err.pauseTooLong', { max: span(match[1], match[2]), left: span(match[3], match[4]) });
}

function pauseMessage(field: string, reason: string, t: AppState['t']): string | undefined {
  if (field === 'reason') return t('err.pauseReason');
  if (field === 'until') return pauseAllowanceText(reason, t) ?? t('err.pauseUntil');
  return undefined;
}

function superviseMessage(field: string, reason: string, t: AppState['t']): string | undefined {
  if (field === 'reason') return t('err.supReason');
  const within = /within (\d+) days/.exec(reason);
  if (field === 'replyBy') return within ? t('err.replyByFar', { n: within[1] ?? '' }) : t('err.replyBy');
  return undefined;
}

/** The workflow's reasons for refusing a transfer (it looks the centre up), in the reader's words. */
function transferMessage(field: string, reason: string, t: AppState['t']): string | undefined {
  if (field === 'reason') return t('err.transferReason');
  if (field !== 'toCentreId') return undefined;
  if (/no centre/.test(reason)) return t('err.transferUnknown');
  if (/outside/.test(reason)) return t('err.transferElsewhere');
  if (/escalate/.test(reason)) return t('err.transferLevel');
  if (/already at/.test(reason)) return t('err.transferSame');
  return t('err.transferTo');
}

function departmentMessage(field: string, reason: string, t: AppState['t']): string | undefined {
  if (field === 'task') return t('err.task');
  if (field !== 'departmentId') return undefined;
  if (/no department/.test(reason)) return t('err.departmentUnknown');
  if (/another area/.test(reason)) return t('err.departmentElsewhere');
  return t('err.department');
}

/** A form whose one field is the text: any refusal of it gets the one message. */
const textMessage = (name: string, key: string) => (field: string, _reason: string, t: AppState['t']) => (field === name ? t(key) : undefined);

/** Orders the handling centre still owes a reply to. */
function openOrders(c: CaseView) {
  return c.clocks.supervisions.filter((order) => order.centreId === c.centreId && (order.status === 'open' || order.status === 'lapsed'));
}

const summary = (rows: number) => (form: FormContext) => <TextField form={form} label={form.app.t('field.summary')} name="summary" rows={rows} />;
/** A summary with photos and PDFs attached (a mediation session, a disposal). */
const summaryWithFiles = (rows: number) => (form: FormContext) => (
  <>
    {summary(rows)(form)}
    <FilePicker onChange={(files) => form.set({ files })} testid="action-files" />
  </>
);
/** The uploads' ids, when there are any. */
const attached = (inputs: Inputs): { files?: string[] } => (inputs.files.ids.length > 0 ? { files: inputs.files.ids } : {});
const reason = (form: FormContext) => <TextField form={form} label={form.app.t('field.reason')} name="reason" />;

const FORMS: { [T in ActionType]: ActionFormSpec<T> } = {
  accept: { fields: () => null, body: () => ({ type: 'accept' }) },

  assess: {
    initial: (c) => ({ risk: c.risk }),
    fields: (form) => (
      <>
        <Field label={form.app.t('field.risk')} name="risk" errors={form.errors}>
          <select name="risk" value={form.inputs.risk} onChange={(ev) => form.set({ risk: ev.currentTarget.value })}>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {form.app.t(`risk.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {form.caseView.riskFactors.length > 0 && (
          <ul class="factors">
            {form.caseView.riskFactors.map((f) => (
              <li key={f.code}>
                {form.app.name(f.label)} <span class="muted">+{f.points}</span>
              </li>
            ))}
          </ul>
        )}
        <TextField form={form} label={form.app.t('field.note')} name="note" rows={2} optional />
      </>
    ),
    body: (inputs, c) => {
      const note = trimmed(inputs.text);
      // The select only offers RISKS; the API refuses anything else with a reason.
      return { type: 'assess', risk: inputs.risk as ActionOf<'assess'>['risk'], factors: c.riskFactors, ...(note ? { note } : {}) };
    },
  },

  escalate: { fields: reason, body: (inputs) => ({ type: 'escalate', reason: inputs.text }) },

  request_expert: {
    pool: 'expert',
    initial: () => ({ specialty: 'legal' }),
    fields: (form) => (
      <>
        <TextField form={form} label={form.app.t('field.question')} name="question" />
        <Field label={form.app.t('field.specialty')} name="specialty" errors={form.errors}>
          <select name="specialty" value={form.inputs.specialty} onChange={(ev) => form.set(withSpecialty(form, ev.currentTarget.value))}>
            <option value="">{form.app.t('field.choose')}</option>
            {SPECIALTIES.map((s) => (
              <option key={s} value={s}>
                {form.app.t(`specialty.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={form.app.t('field.expert')} name="expertId" errors={form.errors}>
          <select name="expertId" value={form.inputs.personId} onChange={(ev) => form.set({ personId: ev.currentTarget.value })}>
            <option value="">{form.app.t('field.anyExpert')}</option>
            {form.pool
              .filter((p) => !form.inputs.specialty || p.specialties.includes(form.inputs.specialty))
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                  {p.title ? ` · ${p.title}` : ''} · {specialtiesOf(form, p)}
                </option>
              ))}
          </select>
        </Field>
      </>
    ),
    body: (inputs) => ({
      type: 'request_expert',
      question: inputs.text,
      ...(inputs.specialty ? { specialty: inputs.specialty as NonNullable<ActionOf<'request_expert'>['specialty']> } : {}),
      ...(inputs.personId ? { expertId: inputs.personId } : {}),
    }),
  },

  submit_opinion: {
    fields: (form) => <TextField form={form} label={form.app.t('field.opinion')} name="opinion" rows={6} />,
    body: (inputs) => ({ type: 'submit_opinion', opinion: inputs.text }),
  },

  assign_mediator: {
    pool: 'mediator',
    fields: (form) => (
      <Field label={form.app.t('field.mediator')} name="mediatorId" errors={form.errors}>
        <select name="mediatorId" value={form.inputs.personId} onChange={(ev) => form.set({ personId: ev.currentTarget.value })}>
          <option value="">{form.app.t('field.anyMediator')}</option>
          {form.pool.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} · {specialtiesOf(form, p)} · {form.app.t('pool.load', { n: p.load })}
            </option>
          ))}
        </select>
      </Field>
    ),
    body: (inputs) => (inputs.personId ? { type: 'assign_mediator', mediatorId: inputs.personId } : { type: 'assign_mediator' }),
  },

  record_session: { fields: summaryWithFiles(4), body: (inputs) => ({ type: 'record_session', summary: inputs.text, ...attached(inputs) }) },

  record_agreement: {
    initial: (c) => ({ terms: c.parties.length > 0 ? c.parties.map((p) => ({ party: p.name, obligation: '' })) : [{ party: '', obligation: '' }] }),
    fields: (form) => <AgreementTerms form={form} />,
    body: (inputs) => ({ type: 'record_agreement', terms: inputs.terms }),
  },

  record_failure: {
    fields: (form) => (
      <>
        {reason(form)}
        <Field label={form.app.t('field.referral')} name="referral" errors={form.errors}>
          <select name="referral" value={form.inputs.referral} onChange={(ev) => form.set({ referral: ev.currentTarget.value })}>
            <option value="">{form.app.t('field.choose')}</option>
            {REFERRALS.map((r) => (
              <option key={r} value={r}>
                {form.app.t(`referral.${r}`)}
              </option>
            ))}
          </select>
        </Field>
      </>
    ),
    // Nothing chosen is sent as it is, so the API names the field that is missing.
    body: (inputs) => ({ type: 'record_failure', reason: inputs.text, referral: inputs.referral as ActionOf<'record_failure'>['referral'] }),
  },

  record_disposal: { fields: summaryWithFiles(4), body: (inputs) => ({ type: 'record_disposal', summary: inputs.text, ...attached(inputs) }) },

  close: { fields: summary(4), body: (inputs) => ({ type: 'close', summary: inputs.text }) },

  feedback: {
    fields: (form) => (
      <>
        <Field label={form.app.t('field.rating')} name="rating" errors={form.errors}>
          <div class="stars" role="radiogroup">
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                type="button"
                key={n}
                role="radio"
                aria-checked={form.inputs.rating === n}
                aria-label={form.app.t('case.stars', { n })}
                data-testid={`star-${n}`}
                class={n <= form.inputs.rating ? 'star on' : 'star'}
                onClick={() => form.set({ rating: n })}
              >
                ★
              </button>
            ))}
          </div>
        </Field>
        <TextField form={form} label={form.app.t('field.comment')} name="comment" rows={2} optional />
      </>
    ),
    body: (inputs) => {
      const comment = trimmed(inputs.text);
      return { type: 'feedback', rating: inputs.rating, ...(comment ? { comment } : {}) };
    },
  },

  reopen: { fields: reason, body: (inputs) => ({ type: 'reopen', reason: inputs.text }) },

  pause: {
    // Three days on, at the start of the morning's service hours: a common wait for documents or a party.
    initial: () => ({ when: daysAhead(3, 9, 0, false) }),
    message: pauseMessage,
    fields: (form) => (
      <>
        <Field label={form.app.t('field.pauseReason')} name="reason" errors={form.errors}>
          <select name="reason" value={form.inputs.referral} onChange={(ev) => form.set({ referral: ev.currentTarget.value })}>
            <option value="">{form.app.t('field.choose')}</option>
            {PAUSE_REASONS.map((r) => (
              <option key={r} value={r}>
                {form.app.t(`pause.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <WhenField form={form} label={form.app.t('field.pauseUntil')} name="until" hint={form.app.t('hint.pauseUntil')} />
        <TextField form={form} label={form.app.t('field.note')} name="note" rows={2} optional />
      </>
    ),
    body: (inputs) => {
      const note = trimmed(inputs.text);
      return { type: 'pause', reason: inputs.referral as ActionOf<'pause'>['reason'], until: isoOf(inputs.when), ...(note ? { note } : {}) };
    },
  },

  resume: { fields: () => null, body: () => ({ type: 'resume' }) },

  supervise: {
    // The policy's own reply time for automatic orders: the end of the next working day.
    initial: () => ({ when: daysAhead(1, 17, 30, true) }),
    message: superviseMessage,
    fields: (form) => (
      <>
        {reason(form)}
        <WhenField form={form} label={form.app.t('field.replyBy')} name="replyBy" hint={form.app.t('hint.replyBy')} />
      </>
    ),
    body: (inputs) => ({ type: 'supervise', reason: inputs.text, replyBy: isoOf(inputs.when) }),
  },

  reply_supervision: {
    initial: (c) => ({ orderId: openOrders(c)[0]?.id ?? '' }),
    message: (field, _reason, t) => (field === 'reply' ? t('err.reply') : field === 'orderId' ? t('err.orderId') : undefined),
    fields: (form) => (
      <>
        <Field label={form.app.t('field.supervisionOrder')} name="orderId" errors={form.errors}>
          <select name="orderId" value={form.inputs.orderId} onChange={(ev) => form.set({ orderId: ev.currentTarget.value })}>
            {openOrders(form.caseView).map((order) => (
              <option key={order.id} value={order.id}>
                {order.id} · {form.app.t(`sup.status.${order.status}`)} · {orderReason(order, form.app.t)}
              </option>
            ))}
          </select>
        </Field>
        <TextField form={form} label={form.app.t('field.reply')} name="reply" rows={4} />
      </>
    ),
    body: (inputs) => ({ type: 'reply_supervision', orderId: inputs.orderId, reply: inputs.text }),
  },

  transfer: {
    message: transferMessage,
    fields: (form) => (
      <>
        <Field label={form.app.t('field.transferTo')} name="toCentreId" errors={form.errors}>
          <select name="toCentreId" value={form.inputs.personId} onChange={(ev) => form.set({ personId: ev.currentTarget.value })}>
            <option value="">{form.app.t('field.choose')}</option>
            {peersOf(form).map((c) => (
              <option key={c.id} value={c.id}>
                {form.app.centreName(c.parentId ?? '')} · {form.app.name(c.name)}
              </option>
            ))}
          </select>
        </Field>
        {reason(form)}
      </>
    ),
    body: (inputs) => ({ type: 'transfer', toCentreId: inputs.personId, reason: inputs.text }),
  },

  refuse_transfer: { message: textMessage('reason', 'err.refuseTransferReason'), fields: reason, body: (inputs) => ({ type: 'refuse_transfer', reason: inputs.text }) },

  assign_department: {
    message: departmentMessage,
    fields: (form) => <DepartmentFields form={form} />,
    body: (inputs) => ({ type: 'assign_department', departmentId: inputs.personId, task: inputs.text }),
  },

  report_disposal: { message: textMessage('summary', 'err.disposalSummary'), fields: summaryWithFiles(4), body: (inputs) => ({ type: 'report_disposal', summary: inputs.text, ...attached(inputs) }) },

  refuse_assignment: { message: textMessage('reason', 'err.refuseAssignmentReason'), fields: reason, body: (inputs) => ({ type: 'refuse_assignment', reason: inputs.text }) },

  mark_duplicate: {
    message: (field, why, t) => (field === 'originalCaseId' ? t(/closed/.test(why) ? 'err.originalClosed' : 'err.originalCase') : undefined),
    fields: (form) => (
      <>
        <OriginalCaseField caseId={form.caseView.id} value={form.inputs.personId} onChange={(id) => form.set({ personId: id })} errors={form.errors} />
        <TextField form={form} label={form.app.t('field.reason')} name="reason" rows={2} optional />
      </>
    ),
    body: (inputs) => {
      const why = trimmed(inputs.text);
      return { type: 'mark_duplicate', originalCaseId: inputs.personId, ...(why ? { reason: why } : {}) };
    },
  },
};

/** The departments of the case's centre and of those above it: the ones it may hand the case to. */
function DepartmentFields({ form }: { form: FormContext }) {
  const departments = useLoad(() => api<{ items: Department[] }>('GET', '/api/v1/departments', { query: { forCentre: form.caseView.centreId } }), [form.caseView.centreId]);
  return (
    <>
      {departments.error !== null && <ErrorBanner error={departments.error} onRetry={departments.reload} />}
      <Field label={form.app.t('field.department')} name="departmentId" errors={form.errors}>
        <select name="departmentId" value={form.inputs.personId} onChange={(ev) => form.set({ personId: ev.currentTarget.value })}>
          <option value="">{form.app.t('field.choose')}</option>
          {(departments.data?.items ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {form.app.name(d.name)} · {form.app.centreName(d.centreId)}
            </option>
          ))}
        </select>
      </Field>
      <TextField form={form} label={form.app.t('field.task')} name="task" rows={3} />
    </>
  );
}

/** Centres a case can be transferred to: the other open ones at its level in the city, its own town's first. */
function peersOf(form: FormContext) {
  const c = form.caseView;
  const parentId = c.centrePath[c.centrePath.length - 2];
  return [...form.app.centres.values()]
    .filter((centre) => centre.level === c.level && centre.id !== c.centreId && centre.path[0] === c.centrePath[0] && centre.closedAt === null)
    .sort((a, b) => Number(b.parentId === parentId) - Number(a.parentId === parentId) || a.path.join('/').localeCompare(b.path.join('/')));
}

function AgreementTerms({ form }: { form: FormContext }) {
  const { t } = form.app;
  const e = form.errors;
  const terms = form.inputs.terms;
  const setTerm = (index: number, change: Partial<Inputs['terms'][number]>) => form.set({ terms: terms.map((x, i) => (i === index ? { ...x, ...change } : x)) });
  return (
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
            <input name={`term-party-${index}`} value={term.party} onInput={(ev) => setTerm(index, { party: ev.currentTarget.value })} />
          </Field>
          <Field label={t('field.termObligation')} name={`terms.${index}.obligation`} errors={e}>
            <input name={`term-obligation-${index}`} value={term.obligation} onInput={(ev) => setTerm(index, { obligation: ev.currentTarget.value })} />
          </Field>
          <button type="button" class="link" onClick={() => form.set({ terms: terms.filter((_, i) => i !== index) })}>
            {t('field.remove')}
          </button>
        </div>
      ))}
      <button type="button" data-testid="add-term" onClick={() => form.set({ terms: [...terms, { party: '', obligation: '' }] })}>
        + {t('field.addTerm')}
      </button>
    </fieldset>
  );
}

function translatedErrors<T extends ActionType>(errors: Record<string, string>, spec: ActionFormSpec<T>, t: AppState['t']): Record<string, string> {
  if (!spec.message) return errors;
  return Object.fromEntries(Object.entries(errors).map(([field, reason]) => [field, spec.message?.(field, reason, t) ?? reason]));
}

const EMPTY: Inputs = { text: '', risk: '', specialty: '', personId: '', referral: '', rating: 0, terms: [], when: '', orderId: '', files: NO_FILES };

/** The form behind one allowed action; posts it and hands the updated case back. */
export function ActionForm<T extends ActionType>(props: { caseView: CaseView; type: T; onDone(updated: CaseView): void; onCancel(): void }) {
  const app = useApp();
  const c = props.caseView;
  const spec = FORMS[props.type] as ActionFormSpec<T>;
  const [inputs, setInputs] = useState<Inputs>(() => ({ ...EMPTY, ...spec.initial?.(c) }));

  const pool = useLoad<PoolMember[]>(async () => {
    if (!spec.pool) return [];
    const res = await api<{ items: PoolMember[] }>('GET', '/api/v1/people', { query: { role: spec.pool } });
    // People at the case's centre or above: the ones the API will accept.
    return res.items.filter((p) => c.centrePath.includes(p.centreId));
  }, [props.type, c.id]);

  const form = useSubmit(
    () => api<CaseView>('POST', `/api/v1/cases/${c.id}/actions`, { body: spec.body(inputs, c) }),
    (updated) => props.onDone(updated),
  );

  const errors = translatedErrors(form.errors, spec, app.t);
  const context: FormContext = { app, caseView: c, inputs, set: (change) => setInputs({ ...inputs, ...change }), errors, pool: pool.data ?? [] };
  return (
    <form class="action-form" onSubmit={form.submit} noValidate data-testid={`form-${props.type}`}>
      <h3>{app.t(`action.${props.type}`)}</h3>
      {pool.error !== null && <ErrorBanner error={pool.error} onRetry={pool.reload} />}
      {spec.fields(context)}
      <FormFooter busy={form.busy || inputs.files.busy} error={Object.keys(errors).length > 0 ? null : form.error} errors={errors} label={app.t(`action.${props.type}`)} onCancel={props.onCancel} testid={`submit-${props.type}`} />
    </form>
  );
}

/** Every action a case can take, in the order of the forms: the audit log's filter offers them. */
export const CASE_ACTION_TYPES = Object.keys(FORMS) as ActionType[];

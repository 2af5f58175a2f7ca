/**
 * The deadline policy: every member of staff reads the version in force and its history; an
 * administrator of the city centre saves a new version, which applies to cases filed after it.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, LEVELS, RISKS, SPAN_UNITS, type Level, type PolicySettings, type PolicyVersionView, type Risk, type Span } from '../api';
import { ErrorBanner, formatDate, useApp, useLoad, type AppState } from '../app';
import { Field, FormFooter, useSubmit } from '../forms';
import { spanText } from './clocks';

type SpanName = 'acknowledge' | 'supervisionReply' | 'expertOpinion' | 'feedback' | 'reopenWindow' | 'maxPause';
const SPAN_NAMES: readonly SpanName[] = ['acknowledge', 'supervisionReply', 'expertOpinion', 'feedback', 'reopenWindow', 'maxPause'];

interface Override {
  level: Level;
  risk: Risk;
  span: Span;
}

/** The form's state: the settings, with the parts people type as text or lists kept in their typed form. */
interface Draft {
  settings: PolicySettings;
  overrides: Override[];
  years: { year: number; holidays: string; makeUp: string }[];
  warnPct: number;
  note: string;
}

function draftOf(version: PolicyVersionView): Draft {
  const s = version.settings;
  const overrides: Override[] = [];
  for (const level of LEVELS) for (const risk of RISKS) {
    const span = s.handlingByLevel[level]?.[risk];
    if (span) overrides.push({ level, risk, span });
  }
  const years = s.addedYears.map((y) => ({ year: y.year, holidays: y.holidays.join('\n'), makeUp: y.makeUpWorkdays.join('\n') }));
  return { settings: s, overrides, years, warnPct: Math.round(s.warnAt * 100), note: '' };
}

const days = (text: string): string[] => text.split(/[\s,，、;；]+/).filter(Boolean);

function settingsOf(draft: Draft): PolicySettings {
  const handlingByLevel: PolicySettings['handlingByLevel'] = {};
  for (const o of draft.overrides) handlingByLevel[o.level] = { ...handlingByLevel[o.level], [o.risk]: o.span };
  const addedYears = draft.years.map((y) => ({ year: y.year, holidays: days(y.holidays), makeUpWorkdays: days(y.makeUp) }));
  return { ...draft.settings, handlingByLevel, addedYears, warnAt: draft.warnPct / 100 };
}

// ---- errors: the API names fields inside the body; each goes to the block that shows it ----

/** Where an error shows: the block of the form that holds the field the API named. */
function placeOf(key: string, reason: string, draft: Draft): string {
  const path = key.replace(/^settings\.?/, '');
  const [head, a, b] = path.split('.');
  if (head === 'handlingByLevel' && a && b) return `override.${a}.${b}`;
  if (head === 'handling' && a) return `handling.${a}`;
  if (head && (SPAN_NAMES as readonly string[]).includes(head)) return head;
  if (head === 'serviceHours' || (head === 'calendar' && /service hours/.test(reason))) return 'serviceHours';
  if (head === 'addedYears' && a !== undefined && /^\d+$/.test(a)) return `years.${a}`;
  if (head === 'addedYears' || head === 'calendar') {
    const year = /\b(\d{4})\b/.exec(reason)?.[1];
    const index = draft.years.findIndex((y) => String(y.year) === year);
    return index >= 0 ? `years.${index}` : 'years';
  }
  if (head === 'warnAt' || head === 'superviseOn' || head === 'note') return head;
  return '_';
}

const YEAR_MESSAGES: [RegExp, string][] = [
  [/already covers (\d{4})/, 'err.yearCovered'],
  [/(\d{4}) is given twice/, 'err.yearTwice'],
  [/(\d{4}) needs its public holidays/, 'err.yearNeedsHolidays'],
  [/no holiday data for (\d{4})/, 'err.noHolidayData'],
];

/** The API's reason (English, for developers) as the reader's own message, saying what to do. */
function messageOf(place: string, key: string, reason: string, t: AppState['t']): string {
  for (const [pattern, message] of YEAR_MESSAGES) {
    const year = pattern.exec(reason)?.[1];
    if (year) return t(message, { year });
  }
  const badDay = /"([^"]*)" is not a date .* in (\d{4})/.exec(reason);
  if (badDay) return t('err.badDay', { day: badDay[1] ?? '', year: badDay[2] ?? '' });
  if (/both a holiday and a working day/.test(reason)) return t('err.dayBoth');
  if (/yyyy-mm-dd/.test(reason)) return t('err.dayFormat');
  if (/\.year$/.test(key)) return t('err.yearRange');
  if (place === 'note') return t('err.note');
  if (place === 'warnAt') return t('err.warnAt');
  if (place === 'serviceHours') return t('err.serviceHours');
  if (/\.unit$/.test(key) || /unit/.test(reason)) return t('err.unit');
  if (/longer than a year|too big|<=/i.test(reason)) return t('err.maxYear');
  if (/amount|number|too small|>0|positive|missing|required/i.test(reason + key)) return t('err.positive');
  return reason;
}

function placedErrors(raw: Record<string, string>, draft: Draft, t: AppState['t']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, reason] of Object.entries(raw)) {
    const place = placeOf(key, reason, draft);
    out[place] ??= messageOf(place, key, reason, t);
  }
  return out;
}

// ---- inputs ------------------------------------------------------------------------------

function SpanInput(props: { name: string; label: string; span: Span; errors: Record<string, string>; onChange(span: Span): void }) {
  const { t } = useApp();
  const { span } = props;
  return (
    <Field label={props.label} name={props.name} errors={props.errors}>
      <span class="span-input">
        <input type="number" min="0" step="any" inputMode="decimal" name={`${props.name}.amount`} aria-label={t('policy.amount')} value={Number.isNaN(span.amount) ? '' : span.amount} onInput={(ev) => props.onChange({ ...span, amount: ev.currentTarget.valueAsNumber })} />
        <select name={`${props.name}.unit`} aria-label={t('policy.unit')} value={span.unit} onChange={(ev) => props.onChange({ ...span, unit: ev.currentTarget.value as Span['unit'] })}>
          {SPAN_UNITS.map((unit) => (
            <option key={unit} value={unit}>
              {t(`unitName.${unit}`)}
            </option>
          ))}
        </select>
      </span>
    </Field>
  );
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const minutesOf = (value: string) => {
  const [h, m] = value.split(':').map(Number);
  return (h ?? Number.NaN) * 60 + (m ?? Number.NaN);
};

interface Editor {
  draft: Draft;
  set(change: Partial<Draft>): void;
  setSettings(change: Partial<PolicySettings>): void;
  errors: Record<string, string>;
  canEdit: boolean;
}

function ServiceHours({ ed }: { ed: Editor }) {
  const { t } = useApp();
  const hours = ed.draft.settings.serviceHours;
  const setHours = (next: PolicySettings['serviceHours']) => ed.setSettings({ serviceHours: next });
  return (
    <Field label={t('policy.serviceHours')} name="serviceHours" errors={ed.errors} hint={t('policy.serviceHoursHint')}>
      <div class="hours" data-testid="service-hours">
        {hours.map((span, i) => (
          <span class="hours-row" key={i}>
            <input type="time" name={`serviceHours.${i}.start`} aria-label={t('policy.from')} value={hhmm(span.start)} onInput={(ev) => setHours(hours.map((s, j) => (j === i ? { ...s, start: minutesOf(ev.currentTarget.value) } : s)))} />
            <span>–</span>
            <input type="time" name={`serviceHours.${i}.end`} aria-label={t('policy.to')} value={hhmm(span.end)} onInput={(ev) => setHours(hours.map((s, j) => (j === i ? { ...s, end: minutesOf(ev.currentTarget.value) } : s)))} />
            {ed.canEdit && hours.length > 1 && (
              <button type="button" class="link" onClick={() => setHours(hours.filter((_, j) => j !== i))}>
                {t('field.remove')}
              </button>
            )}
          </span>
        ))}
        {ed.canEdit && hours.length < 6 && (
          <button type="button" onClick={() => setHours([...hours, { start: 14 * 60 + 30, end: 17 * 60 + 30 }])}>
            + {t('policy.addHours')}
          </button>
        )}
      </div>
    </Field>
  );
}

function Overrides({ ed }: { ed: Editor }) {
  const { t } = useApp();
  const list = ed.draft.overrides;
  const setAt = (i: number, change: Partial<Override>) => ed.set({ overrides: list.map((o, j) => (j === i ? { ...o, ...change } : o)) });
  const unused = (): Override | null => {
    for (const level of LEVELS) for (const risk of RISKS) if (!list.some((o) => o.level === level && o.risk === risk)) return { level, risk, span: ed.draft.settings.handling[risk] };
    return null;
  };
  const next = unused();
  return (
    <fieldset data-testid="overrides">
      <legend>{t('policy.overrides')}</legend>
      <p class="hint">{t('policy.overridesHint')}</p>
      {list.length === 0 && <p class="muted small">{t('policy.noOverrides')}</p>}
      {list.map((o, i) => (
        <div class="override-row" key={i}>
          <select aria-label={t('policy.level')} value={o.level} onChange={(ev) => setAt(i, { level: ev.currentTarget.value as Level })}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}`)}
              </option>
            ))}
          </select>
          <select aria-label={t('policy.risk')} value={o.risk} onChange={(ev) => setAt(i, { risk: ev.currentTarget.value as Risk })}>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {t(`risk.${r}`)}
              </option>
            ))}
          </select>
          <SpanInput name={`override.${o.level}.${o.risk}`} label="" span={o.span} errors={ed.errors} onChange={(span) => setAt(i, { span })} />
          {ed.canEdit && (
            <button type="button" class="link" onClick={() => ed.set({ overrides: list.filter((_, j) => j !== i) })}>
              {t('field.remove')}
            </button>
          )}
        </div>
      ))}
      {ed.canEdit && next && (
        <button type="button" data-testid="add-override" onClick={() => ed.set({ overrides: [...list, next] })}>
          + {t('policy.addOverride')}
        </button>
      )}
    </fieldset>
  );
}

function AddedYears({ ed, covered }: { ed: Editor; covered: PolicyVersionView['coveredYears'] }) {
  const { t } = useApp();
  const years = ed.draft.years;
  const setAt = (i: number, change: Partial<Draft['years'][number]>) => ed.set({ years: years.map((y, j) => (j === i ? { ...y, ...change } : y)) });
  const lastYear = Math.max(covered.last, ...years.map((y) => y.year));
  return (
    <fieldset data-testid="added-years">
      <legend>{t('policy.years')}</legend>
      <p class="hint">{t('policy.yearsHint', { first: covered.first, last: covered.last })}</p>
      {ed.errors.years && (
        <div class="field-error" role="alert" data-testid="error-years">
          {ed.errors.years}
        </div>
      )}
      {years.length === 0 && <p class="muted small">{t('policy.noYears')}</p>}
      {years.map((y, i) => (
        <div class="year-row" key={i} data-testid="year-row">
          <Field label={t('policy.year')} name={`years.${i}`} errors={ed.errors}>
            <input type="number" name={`years.${i}.year`} value={Number.isNaN(y.year) ? '' : y.year} onInput={(ev) => setAt(i, { year: ev.currentTarget.valueAsNumber })} />
          </Field>
          <label>
            <span class="label">{t('policy.holidays')}</span>
            <textarea name={`years.${i}.holidays`} rows={3} value={y.holidays} onInput={(ev) => setAt(i, { holidays: ev.currentTarget.value })} />
          </label>
          <label>
            <span class="label">{t('policy.makeUp')}</span>
            <textarea name={`years.${i}.makeUp`} rows={3} value={y.makeUp} onInput={(ev) => setAt(i, { makeUp: ev.currentTarget.value })} />
          </label>
          {ed.canEdit && (
            <button type="button" class="link" onClick={() => ed.set({ years: years.filter((_, j) => j !== i) })}>
              {t('field.remove')}
            </button>
          )}
        </div>
      ))}
      {years.length > 0 && <p class="hint">{t('policy.daysHint')}</p>}
      {ed.canEdit && years.length < 5 && (
        <button type="button" data-testid="add-year" onClick={() => ed.set({ years: [...years, { year: lastYear + 1, holidays: '', makeUp: '' }] })}>
          + {t('policy.addYear')}
        </button>
      )}
    </fieldset>
  );
}

function Rules({ ed }: { ed: Editor }) {
  const { t } = useApp();
  const s = ed.draft.settings;
  const spanField = (name: SpanName) => <SpanInput key={name} name={name} label={t(`policy.${name}`)} span={s[name]} errors={ed.errors} onChange={(span) => ed.setSettings({ [name]: span })} />;
  return (
    <>
      <fieldset>
        <legend>{t('policy.handling')}</legend>
        <div class="grid-spans">
          {RISKS.map((risk) => (
            <SpanInput key={risk} name={`handling.${risk}`} label={t(`risk.${risk}`)} span={s.handling[risk]} errors={ed.errors} onChange={(span) => ed.setSettings({ handling: { ...s.handling, [risk]: span } })} />
          ))}
        </div>
      </fieldset>
      <Overrides ed={ed} />
      <fieldset>
        <legend>{t('policy.clocks')}</legend>
        <div class="grid-spans">
          {spanField('acknowledge')}
          <Field label={t('policy.warnAt')} name="warnAt" errors={ed.errors} hint={t('policy.warnAtHint')}>
            <input type="number" name="warnAt" min="1" max="99" value={Number.isNaN(ed.draft.warnPct) ? '' : ed.draft.warnPct} onInput={(ev) => ed.set({ warnPct: ev.currentTarget.valueAsNumber })} />
          </Field>
          {SPAN_NAMES.filter((n) => n !== 'acknowledge').map(spanField)}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('policy.superviseOn')}</legend>
        <label class="check">
          <input type="checkbox" name="superviseOn.acknowledgementMissed" checked={s.superviseOn.acknowledgementMissed} onChange={(ev) => ed.setSettings({ superviseOn: { ...s.superviseOn, acknowledgementMissed: ev.currentTarget.checked } })} /> {t('policy.superviseAck')}
        </label>
        <label class="check">
          <input type="checkbox" name="superviseOn.handlingWarning" checked={s.superviseOn.handlingWarning} onChange={(ev) => ed.setSettings({ superviseOn: { ...s.superviseOn, handlingWarning: ev.currentTarget.checked } })} /> {t('policy.superviseWarn')}
        </label>
      </fieldset>
    </>
  );
}

function Versions(props: { items: PolicyVersionView[] }) {
  const { t, lang } = useApp();
  return (
    <div class="table-wrap">
      <table class="events" data-testid="versions">
        <thead>
          <tr>
            <th>{t('policy.version')}</th>
            <th>{t('policy.createdAt')}</th>
            <th>{t('policy.createdBy')}</th>
            <th>{t('policy.note')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td data-label={t('policy.version')}>
                {t('clocks.policy', { n: v.version })} {v.current && <span class="badge ok">{t('policy.inForce')}</span>}
              </td>
              <td data-label={t('policy.createdAt')}>{v.createdAt ? formatDate(v.createdAt, lang) : '—'}</td>
              <td data-label={t('policy.createdBy')}>{v.createdBy === 'system' ? t('policy.builtIn') : v.createdBy}</td>
              <td data-label={t('policy.note')} class="detail">
                {v.createdBy === 'system' ? t('policy.builtIn') : v.note}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Only an administrator of the city (the root centre) sets the policy every centre works to. */
function isCityAdmin(app: AppState): boolean {
  const centre = app.session?.centreId ? app.centres.get(app.session.centreId) : undefined;
  return app.session?.role === 'admin' && centre?.level === 'city';
}

function PolicyForm(props: { current: PolicyVersionView; onSaved(saved: PolicyVersionView): void; onReload(): void }) {
  const app = useApp();
  const { t } = app;
  const canEdit = isCityAdmin(app);
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.current));
  const [conflict, setConflict] = useState(false);
  const form = useSubmit(
    () => api<PolicyVersionView>('POST', '/api/v1/deadline-policy/versions', { body: { basedOn: props.current.version, settings: settingsOf(draft), note: draft.note } }),
    (saved) => props.onSaved(saved),
  );
  useEffect(() => setConflict(form.error instanceof ApiError && form.error.problem.status === 409), [form.error]);
  const errors = placedErrors(form.errors, draft, t);
  const ed: Editor = { draft, set: (change) => setDraft({ ...draft, ...change }), setSettings: (change) => setDraft({ ...draft, settings: { ...draft.settings, ...change } }), errors, canEdit };
  return (
    <form class="form policy-form" onSubmit={form.submit} noValidate data-testid="policy-form">
      {!canEdit && (
        <div class="banner warn" data-testid="policy-readonly">
          {t('policy.readOnly')}
        </div>
      )}
      <fieldset class="plain" disabled={!canEdit}>
        <Rules ed={ed} />
        <fieldset>
          <ServiceHours ed={ed} />
        </fieldset>
        <AddedYears ed={ed} covered={props.current.coveredYears} />
        {canEdit && (
          <Field label={t('policy.note')} name="note" errors={errors} hint={t('policy.noteHint')}>
            <textarea name="note" rows={2} value={draft.note} onInput={(ev) => setDraft({ ...draft, note: ev.currentTarget.value })} />
          </Field>
        )}
      </fieldset>
      {errors._ && <div class="field-error" role="alert">{errors._}</div>}
      {conflict && (
        <div class="banner error" role="alert" data-testid="policy-conflict">
          {t('policy.conflict')}{' '}
          <button type="button" onClick={props.onReload}>
            {t('policy.reload')}
          </button>
        </div>
      )}
      {canEdit && <FormFooter busy={form.busy} error={conflict || Object.keys(errors).length > 0 ? null : form.error} errors={errors} label={t('policy.save')} testid="save-policy" />}
    </form>
  );
}

export function PolicyPage() {
  const { t, session } = useApp();
  const [saved, setSaved] = useState<number | null>(null);
  const loaded = useLoad(async () => {
    const [current, versions] = await Promise.all([api<PolicyVersionView>('GET', '/api/v1/deadline-policy'), api<{ items: PolicyVersionView[] }>('GET', '/api/v1/deadline-policy/versions')]);
    return { current, versions: versions.items };
  }, [session?.personId]);
  if (loaded.error instanceof ApiError && loaded.error.problem.status === 403) return <div class="card banner warn">{t('policy.forbidden')}</div>;
  if (loaded.error && !loaded.data) return <ErrorBanner error={loaded.error} onRetry={loaded.reload} />;
  const d = loaded.data;
  if (!d) return <p class="muted">{t('common.loading')}</p>;
  const h = d.current.settings.handling;
  return (
    <div data-testid="policy-page">
      <div class="card">
        <div class="card-head">
          <h1>{t('policy.title')}</h1>
          <span class="badge policy" data-testid="policy-current">
            {t('policy.current', { n: d.current.version })}
          </span>
        </div>
        <p class="muted">{t('policy.intro')}</p>
        <p class="small">
          {RISKS.map((r) => `${t(`risk.${r}`)} ${spanText(h[r], t)}`).join(' · ')}
        </p>
        {saved !== null && (
          <div class="banner ok" role="status" data-testid="policy-saved">
            {t('policy.saved', { n: saved })}
          </div>
        )}
        <PolicyForm
          key={d.current.version}
          current={d.current}
          onReload={() => {
            setSaved(null);
            loaded.reload();
          }}
          onSaved={(version) => {
            setSaved(version.version);
            loaded.reload();
          }}
        />
      </div>
      <div class="card">
        <h2>{t('policy.versions')}</h2>
        <Versions items={d.versions} />
      </div>
    </div>
  );
}

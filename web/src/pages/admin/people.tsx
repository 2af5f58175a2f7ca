/**
 * The people of my area: the list with its filters, and one person's form (create or edit)
 * with their account: deactivate, reactivate, reset the password. Only what the rules allow
 * is offered (src/domain/administration.ts); the API checks it all again.
 */
import { useState } from 'preact/hooks';
import { api, SPECIALTIES, type Centre } from '../../api';
import { ErrorBanner, Link, navigate, useApp, useLoad } from '../../app';
import { Field, FormFooter } from '../../forms';
import { hasSpecialties, MANAGED_ROLES, rolesAllowedAt, type ManagedRole } from '../../../../src/domain/administration';
import type { AdminPerson } from '../../../../src/api/people/schemas';
import type { AdminDepartment } from '../../../../src/api/departments/schemas';
import { AdminTabs, ConfirmButton, indented, subtreeOf, useAdminSubmit, useCentres } from './common';

type PersonList = { items: AdminPerson[]; total: number };

function useAreaDepartments(token: string | undefined) {
  return useLoad(() => api<{ items: AdminDepartment[] }>('GET', '/api/v1/admin/departments').then((r) => r.items), [token]);
}

export function AdminPeoplePage() {
  const { t, lang, session, name, centreName } = useApp();
  const centres = useCentres();
  const departments = useAreaDepartments(session?.personId);
  const params = new URLSearchParams(location.search);
  const [centreId, setCentreId] = useState(params.get('centreId') ?? '');
  const [role, setRole] = useState(params.get('role') ?? '');
  const [active, setActive] = useState(params.get('active') ?? 'true');
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const list = useLoad(
    () => api<PersonList>('GET', '/api/v1/admin/people', { query: { centreId: centreId || undefined, role: role || undefined, active: active || undefined, q: query || undefined } }),
    [centreId, role, active, query, session?.personId],
  );
  const area = subtreeOf(centres.list, session?.centreId, true);
  const rootDepth = centres.byId.get(session?.centreId ?? '')?.path.length ?? 1;
  const departmentName = (id: string | null) => name(departments.data?.find((d) => d.id === id)?.name) || id || '';
  return (
    <div class="card" data-testid="admin-people">
      <AdminTabs current="people" />
      <div class="card-head">
        <h1>{t('admin.people.title')}</h1>
        <Link class="button primary" href="/admin/people/new" data-testid="admin-add-person">
          + {t('admin.people.add')}
        </Link>
      </div>
      <p class="muted">{t('admin.people.intro', { centre: centreName(session?.centreId) })}</p>
      <div class="filters admin-filters" data-testid="admin-filters">
        <label>
          <span class="label">{t('admin.filter.centre')}</span>
          <select name="centreId" value={centreId} onChange={(e) => setCentreId(e.currentTarget.value)}>
            <option value="">{t('admin.filter.allCentres')}</option>
            {area.map((c) => (
              <option key={c.id} value={c.id}>
                {indented(c, name, rootDepth)}
                {c.closedAt ? ` (${t('admin.centre.closedBadge')})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="label">{t('admin.filter.role')}</span>
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option value="">{t('admin.filter.allRoles')}</option>
            {MANAGED_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="label">{t('admin.filter.status')}</span>
          <select name="active" value={active} onChange={(e) => setActive(e.currentTarget.value)}>
            <option value="">{t('admin.filter.all')}</option>
            <option value="true">{t('admin.status.active')}</option>
            <option value="false">{t('admin.status.inactive')}</option>
          </select>
        </label>
        <form
          class="search"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(q.trim());
          }}
        >
          <input name="q" value={q} placeholder={t('admin.filter.qPlaceholder')} aria-label={t('admin.filter.q')} onInput={(e) => setQ(e.currentTarget.value)} />
          <button type="submit">{t('admin.filter.search')}</button>
        </form>
      </div>
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <p class="muted">{t('common.loading')}</p>}
      {list.data && (
        <>
          <p class="muted small" data-testid="admin-count">
            {list.data.total === 1 ? t('admin.people.countOne') : t('admin.people.count', { n: list.data.total })}
          </p>
          {list.data.items.length === 0 ? (
            <p class="muted">{t('admin.people.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table class="admin-table" data-testid="admin-people-table">
                <thead>
                  <tr>
                    <th>{t('admin.col.name')}</th>
                    <th>{t('admin.col.username')}</th>
                    <th>{t('admin.col.role')}</th>
                    <th>{t('admin.col.centre')}</th>
                    <th>{t('admin.col.specialties')}</th>
                    <th>{t('admin.col.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((p) => (
                    <tr key={p.id} class={p.active ? '' : 'inactive-row'} data-person-id={p.id}>
                      <td data-label={t('admin.col.name')}>
                        <span>
                          <Link href={`/admin/people/${p.id}`}>{p.name}</Link>
                          {p.title && <span class="muted small"> · {p.title}</span>}
                        </span>
                      </td>
                      <td data-label={t('admin.col.username')}>
                        <code>{p.username ?? '—'}</code>
                      </td>
                      <td data-label={t('admin.col.role')}>
                        {t(`role.${p.role}`)}
                        {p.departmentId ? ` · ${departmentName(p.departmentId)}` : ''}
                      </td>
                      <td data-label={t('admin.col.centre')}>{name(centres.byId.get(p.centreId)?.name) || p.centreId}</td>
                      <td data-label={t('admin.col.specialties')}>{p.specialties.map((s) => t(`specialty.${s}`)).join(lang === 'zh' ? '、' : ', ') || '—'}</td>
                      <td data-label={t('admin.col.status')}>
                        <span class={`badge ${p.active ? 'ok' : 'inactive'}`}>{t(p.active ? 'admin.status.active' : 'admin.status.inactive')}</span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}

interface Draft {
  name: string;
  username: string;
  role: ManagedRole | '';
  centreId: string;
  specialties: string[];
  title: string;
  phone: string;
  departmentId: string;
  password: string;
}

function draftOf(person: AdminPerson | null): Draft {
  return {
    name: person?.name ?? '',
    username: person?.username ?? '',
    role: (person?.role as ManagedRole | undefined) ?? '',
    centreId: person?.centreId ?? '',
    specialties: person?.specialties ?? [],
    title: person?.title ?? '',
    phone: person?.phone ?? '',
    departmentId: person?.departmentId ?? '',
    password: '',
  };
}

/** `/admin/people/new` and `/admin/people/:id`. */
export function AdminPersonPage(props: { id: string | null }) {
  const { t, session } = useApp();
  const centres = useCentres();
  const departments = useAreaDepartments(session?.personId);
  const person = useLoad(() => (props.id ? api<AdminPerson>('GET', `/api/v1/admin/people/${props.id}`) : Promise.resolve(null)), [props.id, session?.personId]);
  const ready = (props.id === null || person.data !== null) && centres.list.length > 0 && departments.data !== null;
  return (
    <div class="card" data-testid="admin-person">
      <AdminTabs current="people" />
      <p>
        <Link href="/admin">{t('admin.back')}</Link>
      </p>
      <ErrorBanner error={person.error ?? centres.error ?? departments.error} />
      {!ready && !person.error && <p class="muted">{t('common.loading')}</p>}
      {ready && (
        <PersonForm key={props.id ?? 'new'} person={person.data} centres={centres.list} departments={departments.data ?? []} onChanged={(p) => person.setData(p)} />
      )}
    </div>
  );
}

function PersonForm(props: { person: AdminPerson | null; centres: Centre[]; departments: AdminDepartment[]; onChanged(p: AdminPerson): void }) {
  const { t, session, name } = useApp();
  const editing = props.person !== null;
  const self = props.person?.id === session?.personId;
  const [draft, setDraft] = useState<Draft>(draftOf(props.person));
  const [notice, setNotice] = useState<string | null>(new URLSearchParams(location.search).get('created') === '1' ? t('admin.created', { name: props.person?.name ?? '', username: props.person?.username ?? '' }) : null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  // The centres a person may be placed at: the open ones of my area (and their current one, if it closed since).
  const area = subtreeOf(props.centres, session?.centreId).concat(props.centres.filter((c) => c.id === props.person?.centreId && c.closedAt !== null));
  const rootDepth = props.centres.find((c) => c.id === session?.centreId)?.path.length ?? 1;
  const centre = props.centres.find((c) => c.id === draft.centreId);
  const allowed = centre ? rolesAllowedAt(centre.level, props.departments.length > 0) : MANAGED_ROLES.filter((r) => r !== 'department' || props.departments.length > 0);
  const roles = draft.role && !allowed.includes(draft.role) ? [...allowed, draft.role] : allowed;
  const isDepartment = draft.role === 'department';

  const { busy, errors, error, submit } = useAdminSubmit(
    async () => {
      const common = {
        name: draft.name,
        role: draft.role,
        centreId: draft.centreId,
        ...(hasSpecialties(draft.role) ? { specialties: draft.specialties } : {}),
        ...(isDepartment && draft.departmentId ? { departmentId: draft.departmentId } : {}),
      };
      if (!editing) {
        return api<AdminPerson>('POST', '/api/v1/admin/people', {
          body: {
            ...common,
            username: draft.username,
            ...(draft.title.trim() ? { title: draft.title } : {}),
            ...(draft.phone.trim() ? { phone: draft.phone } : {}),
            ...(draft.password ? { password: draft.password } : {}),
          },
        });
      }
      return api<AdminPerson>('POST', `/api/v1/admin/people/${props.person?.id ?? ''}`, {
        body: { ...common, title: draft.title.trim() || null, phone: draft.phone.trim() || null, ...(isDepartment ? {} : { departmentId: null }) },
      });
    },
    (saved) => {
      if (!editing) {
        navigate(`/admin/people/${saved.id}?created=1`, true);
        return;
      }
      setNotice(t('admin.saved'));
      props.onChanged(saved);
    },
  );

  return (
    <>
      <h1>{editing ? t('admin.person.editTitle', { name: props.person?.name ?? '' }) : t('admin.person.newTitle')}</h1>
      {notice && (
        <div class="banner ok" data-testid="admin-notice">
          {notice}
        </div>
      )}
      {self && <div class="banner info">{t('admin.self')}</div>}
      {props.person && !props.person.active && <div class="banner warn">{t('admin.accountInactive')}</div>}
      <form class="form" noValidate onSubmit={submit} data-testid="person-form">
        <div class="row2">
          <Field label={t('admin.field.name')} name="name" errors={errors}>
            <input name="name" value={draft.name} maxLength={100} onInput={(e) => set('name', e.currentTarget.value)} />
          </Field>
          <Field label={t('admin.field.username')} name="username" errors={errors} hint={editing ? undefined : t('admin.field.usernameHint')}>
            <input name="username" value={draft.username} disabled={editing} autoComplete="off" autoCapitalize="off" spellcheck={false} maxLength={40} onInput={(e) => set('username', e.currentTarget.value)} />
          </Field>
        </div>
        <div class="row2">
          <Field label={t('admin.field.centre')} name="centreId" errors={errors} hint={isDepartment ? t('admin.field.centreOfDepartment') : t('admin.field.centreHint')}>
            <select name="centreId" value={draft.centreId} disabled={self || isDepartment} onChange={(e) => set('centreId', e.currentTarget.value)}>
              <option value="">{t('admin.field.choose')}</option>
              {area.map((c) => (
                <option key={c.id} value={c.id}>
                  {indented(c, name, rootDepth)} · {t(`level.${c.level}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('admin.field.role')} name="role" errors={errors} hint={t('admin.field.roleHint')}>
            <select
              name="role"
              value={draft.role}
              disabled={self}
              onChange={(e) => {
                const role = e.currentTarget.value as ManagedRole;
                setDraft((d) => ({ ...d, role, specialties: hasSpecialties(role) ? d.specialties : [], departmentId: role === 'department' ? d.departmentId : '' }));
              }}
            >
              <option value="">{t('admin.field.choose')}</option>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {isDepartment && (
          <Field label={t('admin.field.department')} name="departmentId" errors={errors}>
            <select
              name="departmentId"
              value={draft.departmentId}
              onChange={(e) => {
                const id = e.currentTarget.value;
                const department = props.departments.find((d) => d.id === id);
                setDraft((d) => ({ ...d, departmentId: id, centreId: department?.centreId ?? d.centreId }));
              }}
            >
              <option value="">{t('admin.field.chooseDepartment')}</option>
              {props.departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {name(d.name)} · {name(props.centres.find((c) => c.id === d.centreId)?.name)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {hasSpecialties(draft.role) && (
          // A fieldset, not a Field: a label may not hold the checkboxes' own labels.
          <fieldset class={`plain field${errors.specialties ? ' has-error' : ''}`} data-field="specialties">
            <legend class="label">{t('admin.field.specialties')}</legend>
            <span class="specialty-checks" data-testid="specialties">
              {SPECIALTIES.map((s) => (
                <label key={s} class="check">
                  <input
                    type="checkbox"
                    name={`specialty-${s}`}
                    checked={draft.specialties.includes(s)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setDraft((d) => ({ ...d, specialties: on ? [...d.specialties, s] : d.specialties.filter((x) => x !== s) }));
                    }}
                  />
                  {t(`specialty.${s}`)}
                </label>
              ))}
            </span>
            {errors.specialties ? (
              <div class="field-error" role="alert" data-testid="error-specialties">
                {errors.specialties}
              </div>
            ) : (
              <div class="hint">{t('admin.field.specialtiesHint')}</div>
            )}
          </fieldset>
        )}
        <div class="row2">
          <Field label={t('admin.field.title')} name="title" errors={errors} optional>
            <input name="title" value={draft.title} maxLength={100} onInput={(e) => set('title', e.currentTarget.value)} />
          </Field>
          <Field label={t('admin.field.phone')} name="phone" errors={errors} optional>
            <input name="phone" type="tel" value={draft.phone} onInput={(e) => set('phone', e.currentTarget.value)} />
          </Field>
        </div>
        {!editing && (
          <Field label={t('admin.field.password')} name="password" errors={errors} hint={t('admin.field.passwordHint')} optional>
            <input name="password" type="password" autoComplete="new-password" value={draft.password} onInput={(e) => set('password', e.currentTarget.value)} />
          </Field>
        )}
        <FormFooter busy={busy} error={error} errors={errors} label={editing ? t('admin.save') : t('admin.create')} testid="person-submit" />
      </form>
      {props.person && (
        <Account
          person={props.person}
          self={self}
          onChanged={(p) => {
            setNotice(null);
            props.onChanged(p);
          }}
        />
      )}
    </>
  );
}

/** The account of a person: active or not, and a new password. */
function Account(props: { person: AdminPerson; self: boolean; onChanged(p: AdminPerson): void }) {
  const { t } = useApp();
  const p = props.person;
  const [notice, setNotice] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const toggle = useAdminSubmit(
    () => api<AdminPerson>('POST', `/api/v1/admin/people/${p.id}/${p.active ? 'deactivate' : 'reactivate'}`),
    (saved) => {
      setNotice(t(saved.active ? 'admin.reactivated' : 'admin.deactivated'));
      props.onChanged(saved);
    },
  );
  const reset = useAdminSubmit(
    () => api<{ sessionsEnded: number }>('POST', `/api/v1/admin/people/${p.id}/password`, { body: { password } }),
    (result) => {
      setPassword('');
      setNotice(t('admin.password.done', { n: result.sessionsEnded }));
    },
  );
  return (
    <div class="admin-account" data-testid="account">
      <h2>{t('admin.account')}</h2>
      {notice && (
        <div class="banner ok" data-testid="account-notice">
          {notice}
        </div>
      )}
      <section>
        <p>
          <span class={`badge ${p.active ? 'ok' : 'inactive'}`}>{t(p.active ? 'admin.status.active' : 'admin.status.inactive')}</span> {t(p.active ? 'admin.accountActive' : 'admin.accountInactive')}
        </p>
        {!(props.self && p.active) && (
          <ConfirmButton
            label={t(p.active ? 'admin.deactivate' : 'admin.reactivate')}
            question={t(p.active ? 'admin.confirmDeactivate' : 'admin.confirmReactivate', { name: p.name })}
            danger={p.active}
            busy={toggle.busy}
            testid={p.active ? 'deactivate' : 'reactivate'}
            onConfirm={() => void toggle.submit()}
          />
        )}
        <ErrorBanner error={toggle.error} />
      </section>
      <section>
        <h3>{t('admin.password.title')}</h3>
        <form class="form" noValidate onSubmit={(e) => e.preventDefault()} data-testid="password-form">
          <Field label={t('admin.password.new')} name="password" errors={reset.errors} hint={t('admin.password.hint')}>
            <input name="password" type="password" autoComplete="new-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          </Field>
          <ConfirmButton label={t('admin.password.submit')} question={t('admin.password.confirm', { name: p.name })} busy={reset.busy} testid="reset-password" onConfirm={() => void reset.submit()} />
          <ErrorBanner error={reset.error} />
        </form>
      </section>
    </div>
  );
}

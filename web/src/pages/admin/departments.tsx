/** The departments registered at the centres of my area: the list, a new one, renaming. */
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBanner, useApp, useLoad } from '../../app';
import { forgetDepartments } from '../../departments';
import { Field, FormFooter } from '../../forms';
import type { AdminDepartment } from '../../../../src/api/departments/schemas';
import { AdminTabs, indented, subtreeOf, useAdminSubmit, useCentres } from './common';

export function AdminDepartmentsPage() {
  const { t, session, name } = useApp();
  const centres = useCentres();
  const list = useLoad(() => api<{ items: AdminDepartment[] }>('GET', '/api/v1/admin/departments').then((r) => r.items), [session?.personId]);
  const [notice, setNotice] = useState<string | null>(null);
  const area = subtreeOf(centres.list, session?.centreId);
  const rootDepth = centres.byId.get(session?.centreId ?? '')?.path.length ?? 1;
  const [draft, setDraft] = useState({ zh: '', en: '', centreId: '' });
  const create = useAdminSubmit(
    () => api<AdminDepartment>('POST', '/api/v1/admin/departments', { body: { name: { zh: draft.zh, en: draft.en }, centreId: draft.centreId } }),
    (created) => {
      setDraft({ zh: '', en: '', centreId: draft.centreId });
      setNotice(t('admin.department.created', { name: name(created.name) }));
      forgetDepartments();
      list.reload();
    },
  );
  return (
    <div class="card" data-testid="admin-departments">
      <AdminTabs current="departments" />
      <h1>{t('admin.departments.title')}</h1>
      <p class="muted">{t('admin.departments.intro')}</p>
      {notice && (
        <div class="banner ok" data-testid="departments-notice">
          {notice}
        </div>
      )}
      <ErrorBanner error={list.error ?? centres.error} onRetry={list.reload} />
      {list.data &&
        (list.data.length === 0 ? (
          <p class="muted">{t('admin.departments.empty')}</p>
        ) : (
          <div class="table-wrap">
            <table class="admin-table" data-testid="departments-table">
              <thead>
                <tr>
                  <th>{t('admin.field.department')}</th>
                  <th>{t('admin.department.centre')}</th>
                  <th>{t('admin.department.staff')}</th>
                  <th>{t('admin.centre.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((d) => (
                  <DepartmentRow key={d.id} department={d} centreName={name(centres.byId.get(d.centreId)?.name) || d.centreId} onRenamed={() => {
                    setNotice(t('admin.department.renamed'));
                    forgetDepartments();
                    list.reload();
                  }} />
                ))}
              </tbody>
            </table>
          </div>
        ))}
      <form class="form centre-edit" noValidate onSubmit={create.submit} data-testid="department-form">
        <h2>{t('admin.departments.add')}</h2>
        <div class="row2">
          <Field label={t('admin.centre.nameZh')} name="name.zh" errors={create.errors}>
            <input name="nameZh" value={draft.zh} maxLength={100} onInput={(e) => setDraft({ ...draft, zh: e.currentTarget.value })} />
          </Field>
          <Field label={t('admin.centre.nameEn')} name="name.en" errors={create.errors}>
            <input name="nameEn" value={draft.en} maxLength={100} onInput={(e) => setDraft({ ...draft, en: e.currentTarget.value })} />
          </Field>
        </div>
        <Field label={t('admin.department.centre')} name="centreId" errors={create.errors} hint={t('admin.field.centreHint')}>
          <select name="centreId" value={draft.centreId} onChange={(e) => setDraft({ ...draft, centreId: e.currentTarget.value })}>
            <option value="">{t('admin.field.choose')}</option>
            {area.map((c) => (
              <option key={c.id} value={c.id}>
                {indented(c, name, rootDepth)} · {t(`level.${c.level}`)}
              </option>
            ))}
          </select>
        </Field>
        <FormFooter busy={create.busy} error={create.error} errors={create.errors} label={t('admin.create')} testid="department-submit" />
      </form>
    </div>
  );
}

function DepartmentRow(props: { department: AdminDepartment; centreName: string; onRenamed(): void }) {
  const { t, name } = useApp();
  const d = props.department;
  const [editing, setEditing] = useState(false);
  const [zh, setZh] = useState(d.name.zh);
  const [en, setEn] = useState(d.name.en);
  const rename = useAdminSubmit(
    () => api<AdminDepartment>('POST', `/api/v1/admin/departments/${d.id}`, { body: { name: { zh, en } } }),
    () => {
      setEditing(false);
      props.onRenamed();
    },
  );
  return (
    <tr data-department-id={d.id}>
      <td data-label={t('admin.field.department')}>
        {editing ? (
          <form class="form" noValidate onSubmit={rename.submit} data-testid={`department-rename-${d.id}`}>
            <Field label={t('admin.centre.nameZh')} name="name.zh" errors={rename.errors}>
              <input name="nameZh" value={zh} maxLength={100} onInput={(e) => setZh(e.currentTarget.value)} />
            </Field>
            <Field label={t('admin.centre.nameEn')} name="name.en" errors={rename.errors}>
              <input name="nameEn" value={en} maxLength={100} onInput={(e) => setEn(e.currentTarget.value)} />
            </Field>
            <FormFooter busy={rename.busy} error={rename.error} errors={rename.errors} label={t('admin.save')} onCancel={() => setEditing(false)} />
          </form>
        ) : (
          <span>
            {name(d.name)} <code class="small muted">{d.id}</code>
          </span>
        )}
      </td>
      <td data-label={t('admin.department.centre')}>{props.centreName}</td>
      <td data-label={t('admin.department.staff')}>{d.staff}</td>
      <td data-label={t('admin.centre.actions')}>
        {!editing && (
          <button type="button" onClick={() => setEditing(true)} data-testid={`department-edit-${d.id}`}>
            {t('admin.centre.rename')}
          </button>
        )}
      </td>
    </tr>
  );
}

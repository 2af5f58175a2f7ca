/**
 * The centres, for the city's administrators: the tree, a new centre one level below its
 * parent, renaming, moving a village to another town, closing a centre (refused, with the
 * reason, while anything is still open there).
 */
import { useState } from 'preact/hooks';
import { api, type Centre } from '../../api';
import { ErrorBanner, LEVEL_COLOURS, useApp } from '../../app';
import { Field, FormFooter } from '../../forms';
import { levelBelow } from '../../../../src/domain/administration';
import type { CentreMoveResult } from '../../../../src/api/centres/schemas';
import { AdminTabs, ConfirmButton, indented, useAdminSubmit, useCentres } from './common';

export function AdminCentresPage() {
  const { t, name, session, centres: known } = useApp();
  const centres = useCentres();
  const [showClosed, setShowClosed] = useState(false);
  const [county, setCounty] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const mine = session?.centreId ? (centres.byId.get(session.centreId) ?? known.get(session.centreId)) : undefined;
  if (mine && mine.level !== 'city') {
    return (
      <div class="card">
        <AdminTabs current="centres" />
        <div class="banner warn">{t('admin.centres.cityOnly')}</div>
      </div>
    );
  }
  const sorted = [...centres.list].sort((a, b) => a.path.join('/').localeCompare(b.path.join('/')));
  const counties = sorted.filter((c) => c.level === 'county');
  const shown = sorted.filter((c) => (showClosed || c.closedAt === null) && (!county || c.level === 'city' || c.path.includes(county)));
  const changed = (message: string) => {
    setNotice(message);
    centres.reload();
  };
  return (
    <div class="card" data-testid="admin-centres">
      <AdminTabs current="centres" />
      <h1>{t('admin.centres.title')}</h1>
      <p class="muted">{t('admin.centres.intro')}</p>
      {notice && (
        <div class="banner ok" data-testid="centres-notice">
          {notice}
        </div>
      )}
      <ErrorBanner error={centres.error} onRetry={centres.reload} />
      {centres.list.length > 0 && <NewCentre centres={sorted} onCreated={changed} />}
      <div class="filters">
        <label>
          <span class="label">{t('field.county')}</span>
          <select name="county" value={county} onChange={(e) => setCounty(e.currentTarget.value)}>
            <option value="">{t('admin.filter.all')}</option>
            {counties.map((c) => (
              <option key={c.id} value={c.id}>
                {name(c.name)}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="showClosed" checked={showClosed} onChange={(e) => setShowClosed(e.currentTarget.checked)} />
          {t('admin.centres.showClosed')}
        </label>
      </div>
      <ul class="centre-tree" data-testid="centre-tree">
        {shown.map((c) => (
          <CentreRow key={c.id} centre={c} byId={centres.byId} towns={sorted.filter((x) => x.level === 'town' && x.closedAt === null)} onChanged={changed} />
        ))}
      </ul>
    </div>
  );
}

function NewCentre(props: { centres: Centre[]; onCreated(message: string): void }) {
  const { t, name } = useApp();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState({ parentId: '', zh: '', en: '', id: '' });
  const parents = props.centres.filter((c) => c.level !== 'village' && c.closedAt === null);
  const parent = props.centres.find((c) => c.id === draft.parentId);
  const level = parent ? levelBelow(parent.level) : null;
  const { busy, errors, error, submit } = useAdminSubmit(
    () => api<Centre>('POST', '/api/v1/admin/centres', { body: { parentId: draft.parentId, level: level ?? 'county', name: { zh: draft.zh, en: draft.en }, ...(draft.id.trim() ? { id: draft.id.trim() } : {}) } }),
    (created) => {
      setDraft({ parentId: draft.parentId, zh: '', en: '', id: '' });
      setOpen(false);
      props.onCreated(t('admin.centre.created', { name: name(created.name) }));
    },
  );
  if (!open) {
    return (
      <p>
        <button type="button" class="primary" data-testid="centre-add" onClick={() => setOpen(true)}>
          + {t('admin.centres.add')}
        </button>
      </p>
    );
  }
  return (
    <form class="form centre-edit" noValidate onSubmit={submit} data-testid="centre-form">
      <h2>{t('admin.centres.add')}</h2>
      <div class="row2">
        <Field label={t('admin.centre.parent')} name="parentId" errors={errors}>
          <select name="parentId" value={draft.parentId} onChange={(e) => setDraft({ ...draft, parentId: e.currentTarget.value })}>
            <option value="">{t('admin.field.choose')}</option>
            {parents.map((c) => (
              <option key={c.id} value={c.id}>
                {indented(c, name, 1)} · {t(`level.${c.level}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('admin.centre.level')} name="level" errors={errors}>
          <input name="level" value={level ? t(`level.${level}`) : ''} readOnly disabled />
        </Field>
      </div>
      <div class="row2">
        <Field label={t('admin.centre.nameZh')} name="name.zh" errors={errors}>
          <input name="nameZh" value={draft.zh} maxLength={100} onInput={(e) => setDraft({ ...draft, zh: e.currentTarget.value })} />
        </Field>
        <Field label={t('admin.centre.nameEn')} name="name.en" errors={errors}>
          <input name="nameEn" value={draft.en} maxLength={100} onInput={(e) => setDraft({ ...draft, en: e.currentTarget.value })} />
        </Field>
      </div>
      <Field label={t('admin.centre.id')} name="id" errors={errors} hint={t('admin.centre.idHint')} optional>
        <input name="id" value={draft.id} maxLength={64} autoCapitalize="off" spellcheck={false} onInput={(e) => setDraft({ ...draft, id: e.currentTarget.value })} />
      </Field>
      <FormFooter busy={busy} error={error} errors={errors} label={t('admin.create')} testid="centre-submit" onCancel={() => setOpen(false)} />
    </form>
  );
}

function CentreRow(props: { centre: Centre; byId: Map<string, Centre>; towns: Centre[]; onChanged(message: string): void }) {
  const { t, name } = useApp();
  const c = props.centre;
  const [editing, setEditing] = useState<'rename' | 'move' | null>(null);
  const [zh, setZh] = useState(c.name.zh);
  const [en, setEn] = useState(c.name.en);
  const [parentId, setParentId] = useState('');
  const rename = useAdminSubmit(
    () => api<Centre>('POST', `/api/v1/admin/centres/${c.id}`, { body: { name: { zh, en } } }),
    () => {
      setEditing(null);
      props.onChanged(t('admin.centre.renamed'));
    },
  );
  const move = useAdminSubmit(
    () => api<CentreMoveResult>('POST', `/api/v1/admin/centres/${c.id}/move`, { body: { parentId } }),
    (moved) => {
      setEditing(null);
      const parent = props.towns.find((x) => x.id === moved.parentId);
      props.onChanged(t('admin.centre.moved', { parent: name(parent?.name) || moved.parentId || '', people: moved.peopleMoved, cases: moved.openCasesKeepingPath }));
    },
  );
  const close = useAdminSubmit(
    () => api<Centre>('POST', `/api/v1/admin/centres/${c.id}/close`),
    () => props.onChanged(t('admin.centre.closedDone', { name: name(c.name) })),
  );
  const depth = c.path.length - 1;
  return (
    <li data-centre-id={c.id} style={{ paddingLeft: `${Math.min(depth, 3) * 1.1}em` }}>
      <div class="centre-row">
        <span class="centre-name">
          <span class="badge" style={{ background: LEVEL_COLOURS[c.level], color: '#fff' }}>
            {t(`level.${c.level}`)}
          </span>{' '}
          <strong>{name(c.name)}</strong> <code class="small muted">{c.id}</code>
          {c.closedAt && <span class="badge closed">{t('admin.centre.closedBadge')}</span>}
        </span>
        <span class="buttons">
          <button type="button" data-testid={`rename-${c.id}`} onClick={() => setEditing(editing === 'rename' ? null : 'rename')}>
            {t('admin.centre.rename')}
          </button>
          {c.level === 'village' && (
            <button type="button" data-testid={`move-${c.id}`} onClick={() => setEditing(editing === 'move' ? null : 'move')}>
              {t('admin.centre.move')}
            </button>
          )}
          {c.level !== 'city' && c.closedAt === null && (
            <ConfirmButton label={t('admin.centre.close')} question={t('admin.centre.confirmClose', { name: name(c.name) })} danger busy={close.busy} testid={`close-${c.id}`} onConfirm={() => void close.submit()} />
          )}
        </span>
      </div>
      <ErrorBanner error={close.error} />
      {editing === 'rename' && (
        <form class="form centre-edit" noValidate onSubmit={rename.submit} data-testid={`rename-form-${c.id}`}>
          <div class="row2">
            <Field label={t('admin.centre.nameZh')} name="name.zh" errors={rename.errors}>
              <input name="nameZh" value={zh} maxLength={100} onInput={(e) => setZh(e.currentTarget.value)} />
            </Field>
            <Field label={t('admin.centre.nameEn')} name="name.en" errors={rename.errors}>
              <input name="nameEn" value={en} maxLength={100} onInput={(e) => setEn(e.currentTarget.value)} />
            </Field>
          </div>
          <FormFooter busy={rename.busy} error={rename.error} errors={rename.errors} label={t('admin.save')} testid={`rename-submit-${c.id}`} onCancel={() => setEditing(null)} />
        </form>
      )}
      {editing === 'move' && (
        <form class="form centre-edit" noValidate onSubmit={move.submit} data-testid={`move-form-${c.id}`}>
          <Field label={t('admin.centre.moveTo')} name="parentId" errors={move.errors} hint={t('admin.centre.moveHint')}>
            <select name="parentId" value={parentId} onChange={(e) => setParentId(e.currentTarget.value)}>
              <option value="">{t('admin.field.choose')}</option>
              {props.towns
                .filter((x) => x.id !== c.parentId)
                .map((x) => (
                  <option key={x.id} value={x.id}>
                    {name(x.name)} · {name(props.byId.get(x.parentId ?? '')?.name)}
                  </option>
                ))}
            </select>
          </Field>
          <FormFooter busy={move.busy} error={move.error} errors={move.errors} label={t('admin.centre.move')} testid={`move-submit-${c.id}`} onCancel={() => setEditing(null)} />
        </form>
      )}
    </li>
  );
}

/** A person's saved list filters: pick one to apply it, save the current one under a name, delete one. */
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBanner, useApp, useLoad } from '../app';
import type { FilterParams, SavedFilterView } from '../../../src/api/views';
import '../search.css';

interface SavedList {
  items: SavedFilterView[];
  max: number;
}

/** Two filters are the same when they set the same parameters to the same values. */
function sameFilter(a: FilterParams, b: FilterParams): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof FilterParams>;
  for (const key of keys) if ((a[key] ?? '') !== (b[key] ?? '')) return false;
  return true;
}

export function SavedFilters(props: { current: FilterParams; onPick(query: FilterParams): void }) {
  const { t, session } = useApp();
  const saved = useLoad(() => api<SavedList>('GET', '/api/v1/saved-filters'), [session?.personId]);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  // Kept as a key and its name, so the note follows a change of language.
  const [note, setNote] = useState<{ key: 'saved.saved' | 'saved.deleted' | 'saved.nameMissing'; name?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const items = saved.data?.items ?? [];

  const save = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    setNote(null);
    if (trimmed === '' || trimmed.length > 60) {
      setError(null);
      setNote({ key: 'saved.nameMissing' });
      return;
    }
    setBusy(true);
    try {
      const created = await api<SavedFilterView>('POST', '/api/v1/saved-filters', { body: { name: trimmed, query: props.current } });
      saved.setData({ items: [...items, created], max: saved.data?.max ?? 30 });
      setName('');
      setError(null);
      setNote({ key: 'saved.saved', name: created.name });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (filter: SavedFilterView) => {
    setNote(null);
    try {
      saved.setData(await api<SavedList>('POST', `/api/v1/saved-filters/${filter.id}/delete`));
      setError(null);
      setNote({ key: 'saved.deleted', name: filter.name });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="saved-filters" data-testid="saved-filters" aria-label={t('saved.title')}>
      <span class="label">{t('saved.title')}</span>
      <div class="chips">
        {saved.data && items.length === 0 && <span class="muted small">{t('saved.none')}</span>}
        {items.map((filter) => (
          <span key={filter.id} class={`chip${sameFilter(filter.query, props.current) ? ' active' : ''}`} data-testid="saved-filter">
            <button type="button" class="chip-pick" onClick={() => props.onPick(filter.query)}>
              {filter.name}
            </button>
            <button type="button" class="chip-delete" aria-label={t('saved.deleteLabel', { name: filter.name })} title={t('saved.deleteLabel', { name: filter.name })} onClick={() => void remove(filter)}>
              ×
            </button>
          </span>
        ))}
      </div>
      <form class="save-filter" onSubmit={(e) => void save(e)}>
        <input name="filterName" value={name} maxLength={60} placeholder={t('saved.namePlaceholder')} aria-label={t('saved.name')} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" disabled={busy} data-testid="save-filter">
          {t('saved.save')}
        </button>
      </form>
      {note && (
        <p class="muted small" role="status" data-testid="saved-note">
          {t(note.key, note.name === undefined ? {} : { name: note.name })}
        </p>
      )}
      <ErrorBanner error={error ?? saved.error} onRetry={saved.error ? saved.reload : undefined} />
    </section>
  );
}

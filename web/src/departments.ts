/** Department names by id: pages that name a department (a task, the queue's title, the timeline) read them here. */
import { api, type Department } from './api';
import { useApp, useLoad } from './app';

// One request per sign-in: the list is a handful of rows that change with the seed, not during a session.
let cached: { personId: string; items: Promise<Department[]> } | null = null;

function load(personId: string): Promise<Department[]> {
  if (cached?.personId !== personId) {
    const items = api<{ items: Department[] }>('GET', '/api/v1/departments').then((res) => res.items);
    // A failed load is tried again next time rather than kept.
    items.catch(() => (cached = null));
    cached = { personId, items };
  }
  return cached.items;
}

/** After an administrator registers or renames a department: the next page that names departments reads them again. */
export function forgetDepartments(): void {
  cached = null;
}

/** Departments by id, for staff; residents may not list them, and get none. */
export function useDepartments(): Map<string, Department> {
  const { session } = useApp();
  const personId = session && session.role !== 'resident' ? session.personId : '';
  const loaded = useLoad(() => (personId ? load(personId) : Promise.resolve([])), [personId]);
  return new Map((loaded.data ?? []).map((d) => [d.id, d]));
}

/** A department's name in the reader's language; its id while the names load. */
export function useDepartmentName(): (id: string | undefined) => string {
  const departments = useDepartments();
  const { name } = useApp();
  return (id) => (id ? (departments.has(id) ? name(departments.get(id)?.name) : id) : '');
}

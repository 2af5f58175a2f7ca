/** Department names by id: pages that name a department (a task, the queue's title, the timeline) read them here. */
import { api, type Department } from './api';
import { useApp, useLoad } from './app';

// One request per sign-in: the list is a handful of rows that change with the seed, not during a session.
let cached: { token: string; items: Promise<Department[]> } | null = null;

function load(token: string): Promise<Department[]> {
  if (cached?.token !== token) {
    const items = api<{ items: Department[] }>('GET', '/api/v1/departments').then((res) => res.items);
    // A failed load is tried again next time rather than kept.
    items.catch(() => (cached = null));
    cached = { token, items };
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
  const token = session && session.role !== 'resident' ? session.csrf : '';
  const loaded = useLoad(() => (token ? load(token) : Promise.resolve([])), [token]);
  return new Map((loaded.data ?? []).map((d) => [d.id, d]));
}

/** A department's name in the reader's language; its id while the names load. */
export function useDepartmentName(): (id: string | undefined) => string {
  const departments = useDepartments();
  const { name } = useApp();
  return (id) => (id ? (departments.has(id) ? name(departments.get(id)?.name) : id) : '');
}

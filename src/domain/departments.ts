/**
 * Departments that own fixes: a district's operations company owns its kiosks, a town's
 * construction station grades and orders work on unsafe houses. A centre coordinates; it
 * hands the case to the department, the department reports what it did (or refuses the
 * task with a reason), and the centre closes the case. A department works with the centre
 * it is registered at and every centre below it.
 */
import { actorId, emit, type ActorOrSystem, type CaseState, type Transition } from './lifecycle';

export interface Department {
  id: string;
  name: { zh: string; en: string };
  /** The centre it works with; centres below it may hand it cases too. */
  centreId: string;
}

export const DEPARTMENT_TASK_STATUSES = ['working', 'reported', 'refused'] as const;
export type DepartmentTaskStatus = (typeof DEPARTMENT_TASK_STATUSES)[number];

/** One hand-over of a case to a department, and what became of it. */
export interface DepartmentTask {
  departmentId: string;
  /** The centre that handed it over. */
  centreId: string;
  task: string;
  assignedAt: number;
  by: string;
  status: DepartmentTaskStatus;
  /** The department's report of what it did, or its reason for refusing. */
  result: { text: string; at: number; by: string } | null;
}

/** The task the department is working on now, if any. */
export function workingTask(state: Pick<CaseState, 'departmentTasks'>): DepartmentTask | null {
  return state.departmentTasks.find((task) => task.status === 'working') ?? null;
}

/** Every department the case has been handed to: their staff keep seeing it. */
export function departmentsOf(state: Pick<CaseState, 'departmentTasks'>): string[] {
  return [...new Set((state.departmentTasks ?? []).map((task) => task.departmentId))];
}

export function assignDepartment(state: CaseState, departmentId: string, task: string, actor: ActorOrSystem, now: number): Transition {
  const handed: DepartmentTask = { departmentId, centreId: state.centreId, task, assignedAt: now, by: actorId(actor), status: 'working', result: null };
  return emit(state, { ...state, departmentTasks: [...state.departmentTasks, handed] }, 'department_assigned', actor, now, { departmentId, task, notify: true });
}

/** Ends the working task with the department's report or refusal. */
export function endTask(state: CaseState, status: 'reported' | 'refused', text: string, actor: ActorOrSystem, now: number): CaseState {
  const result = { text, at: now, by: actorId(actor) };
  return { ...state, departmentTasks: state.departmentTasks.map((task) => (task.status === 'working' ? { ...task, status, result } : task)) };
}

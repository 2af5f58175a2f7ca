/**
 * Who may administer what. Pure rules, shared by the API (which enforces them) and the
 * web UI (which offers only what they allow).
 *
 * An administrator manages the people of their own centre and every centre below it
 * (their subtree): a person's centre, before and after a change, must lie in it. The
 * city's administrators (admins of the root centre) also manage the centres themselves.
 * Nobody can give themselves more than they have: an administrator cannot change their
 * own role or centre, nor deactivate themselves, and since every centre they may place
 * a person at is theirs or below it, nobody makes an admin above themselves.
 */
import { LEVELS, type Level } from './organisation';
import type { Role } from './lifecycle';

/** The roles administrators hand out. Residents sign themselves up; they are not managed here. */
export const MANAGED_ROLES = ['grid_worker', 'mediator', 'expert', 'admin', 'department'] as const;
export type ManagedRole = (typeof MANAGED_ROLES)[number];

/** Roles that carry specialties: the mediator pool and the expert roster. */
export const SPECIALIST_ROLES = ['mediator', 'expert'] as const;

export function isManagedRole(role: string): role is ManagedRole {
  return (MANAGED_ROLES as readonly string[]).includes(role);
}

export function hasSpecialties(role: string): boolean {
  return (SPECIALIST_ROLES as readonly string[]).includes(role);
}

/** The level directly below `level`, or null below a village. */
export function levelBelow(level: Level): Level | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

/** The roles a person may hold at a centre of this level; `department` only where a department is registered. */
export function rolesAllowedAt(level: Level, hasDepartments: boolean): ManagedRole[] {
  return MANAGED_ROLES.filter((role) => (role === 'grid_worker' ? level === 'village' : role === 'department' ? hasDepartments : true));
}

/** An administrator's seat: where they sit decides what they may touch. */
export interface AdminSeat {
  personId: string;
  centreId: string;
  level: Level;
}

/** True when a centre with this path is the administrator's own or lies below it. */
export function inSubtreeOf(seat: AdminSeat, centrePath: readonly string[]): boolean {
  return centrePath.includes(seat.centreId);
}

export function isCityAdmin(seat: AdminSeat): boolean {
  return seat.level === 'city';
}

/**
 * The reasons a field is refused, as the API sends them (English, stable) and the web UI
 * translates them (`adminReason.<code>` in its dictionaries).
 */
export const ADMIN_REASONS = {
  username: 'use 3 to 40 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  usernameTaken: 'this username is taken',
  roleChoose: 'choose a role',
  roleResident: 'residents are not managed here',
  gridWorkerVillage: 'grid workers work at villages and communities only',
  departmentMissing: 'department staff need their department',
  departmentElsewhere: 'the department is registered at another centre: put its staff at that centre',
  departmentUnknown: 'no such department',
  departmentOnly: 'only department staff have a department',
  specialtiesMissing: 'mediators and experts need at least one specialty',
  specialtiesOnly: 'only mediators and experts have specialties',
  centreChoose: 'choose a centre',
  centreUnknown: 'no such centre',
  centreOutside: 'this centre is outside your area',
  centreClosed: 'this centre is closed',
  ownRole: 'you cannot change your own role',
  ownCentre: 'you cannot move yourself to another centre',
  passwordShort: 'the password needs at least 10 characters',
  passwordLong: 'the password can have at most 200 characters',
  centreIdTaken: 'a centre with this id exists',
  parentLevel: 'a centre sits one level below its parent',
  parentClosed: 'the parent centre is closed',
  moveVillageOnly: 'only a village or community moves to another town',
  moveToTown: 'choose a town or street',
  moveSameParent: 'the centre is already there',
} as const;
export type AdminReason = keyof typeof ADMIN_REASONS;

/** The code of a reason the API sent, for its translation; null for one this table does not hold. */
export function adminReasonCode(reason: string): AdminReason | null {
  for (const [code, text] of Object.entries(ADMIN_REASONS)) if (text === reason) return code as AdminReason;
  return null;
}

export interface RoleFit {
  role: Role;
  centreId: string;
  centreLevel: Level;
  specialties: readonly string[];
  /** The department named, and the centre it is registered at (null: no such department). */
  department: { id: string; centreId: string | null } | null;
}

/** What is wrong with a person's role at their centre, by field; empty when it fits. */
export function roleFitProblems(fit: RoleFit): { field: string; reason: AdminReason }[] {
  const out: { field: string; reason: AdminReason }[] = [];
  if (!isManagedRole(fit.role)) out.push({ field: 'role', reason: 'roleResident' });
  if (fit.role === 'grid_worker' && fit.centreLevel !== 'village') out.push({ field: 'centreId', reason: 'gridWorkerVillage' });
  if (fit.role === 'department') {
    if (!fit.department) out.push({ field: 'departmentId', reason: 'departmentMissing' });
    else if (fit.department.centreId === null) out.push({ field: 'departmentId', reason: 'departmentUnknown' });
    else if (fit.department.centreId !== fit.centreId) out.push({ field: 'departmentId', reason: 'departmentElsewhere' });
  } else if (fit.department) out.push({ field: 'departmentId', reason: 'departmentOnly' });
  if (hasSpecialties(fit.role)) {
    if (fit.specialties.length === 0) out.push({ field: 'specialties', reason: 'specialtiesMissing' });
  } else if (fit.specialties.length > 0) out.push({ field: 'specialties', reason: 'specialtiesOnly' });
  return out;
}

/**
 * What every administration route shares: who the administrator is (from the living
 * person record, not the token's claims), and the audit record of every change and
 * every refusal. The rules themselves are the domain's (src/domain/administration.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { isCityAdmin, type AdminSeat, ADMIN_REASONS, type AdminReason } from '../domain';
import { callerOf } from './auth';
import { writeAudit } from './audit';
import type { ApiContext, CentreInfo } from './context';
import { HttpProblem, PROBLEM_TYPES, problems, type Message } from './problem';

export interface Administrator extends AdminSeat {
  /** The administrator's centre path, city first. */
  path: string[];
}

/** What an administration handler tells the audit record as it learns it. */
export interface AuditNote {
  subjectId?: string;
  /** Centre paths the change concerns; their centres' administrators may read the record. */
  scope: string[];
  detail: Record<string, unknown>;
}

const NOT_ADMIN: Message = { zh: '只有中心管理员可以管理人员和机构。', en: 'Only centre administrators manage people and centres.' };
const NOT_CITY: Message = { zh: '只有市级中心的管理员可以管理中心设置，请联系市级中心。', en: 'Only an administrator of the city centre manages the centres; ask the city centre.' };

/** The caller as an administrator, read from the people collection: a deactivated or demoted admin's token gives nothing. */
export async function administratorOf(ctx: ApiContext, req: Request): Promise<Administrator> {
  const caller = callerOf(req);
  const living = caller.role === 'admin' ? await ctx.people.get(caller.personId) : null;
  if (!living || !living.active || living.role !== 'admin') throw problems.forbidden('Administration is for centre administrators', NOT_ADMIN);
  const centre = await ctx.centres.get(living.centreId);
  if (!centre) throw problems.forbidden('The administrator’s centre is unknown', NOT_ADMIN);
  return { personId: living.id, centreId: centre.id, level: centre.level, path: centre.path };
}

export function requireCityAdmin(admin: Administrator): void {
  if (!isCityAdmin(admin)) throw problems.forbidden('Only an administrator of the city centre manages centres', NOT_CITY);
}

/** A 400 naming the fields, each with a reason of the domain's table. */
export function invalid(fields: { field: string; reason: AdminReason }[]): HttpProblem {
  return problems.validation(
    fields.map((f) => ({ name: `body.${f.field}`, reason: ADMIN_REASONS[f.reason] })),
    fields.map((f) => `${f.field}: ${ADMIN_REASONS[f.reason]}`).join('; '),
  );
}

/** A 409 a person reads: a refusal by the state of things, in their words, with what the client needs to show it. */
export function conflict(detail: string, message: Message, extra: Record<string, unknown> = {}): HttpProblem {
  return new HttpProblem({ type: PROBLEM_TYPES.conflict, title: 'Conflict', status: 409, detail, message, ...extra });
}

export function outsideArea(what: 'person' | 'centre' | 'department'): HttpProblem {
  const messages: Record<typeof what, Message> = {
    person: { zh: '此人员不在您所管理的辖区内。', en: 'This person is outside the area you administer.' },
    centre: { zh: '该中心不在您所管理的辖区内。', en: 'This centre is outside the area you administer.' },
    department: { zh: '该责任单位不在您所管理的辖区内。', en: 'This department is outside the area you administer.' },
  };
  return problems.forbidden(`The ${what} is outside the administrator's subtree`, messages[what]);
}

export function notFound(what: 'person' | 'centre' | 'department'): HttpProblem {
  const messages: Record<typeof what, Message> = {
    person: { zh: '没有这个人员。', en: 'No such person.' },
    centre: { zh: '没有这个中心。', en: 'No such centre.' },
    department: { zh: '没有这个责任单位。', en: 'No such department.' },
  };
  return problems.notFound(`No such ${what}`, messages[what]);
}

/** A new id: a prefix and 48 random bits. */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** Paths without repeats, city first. */
export function scopeOf(...paths: readonly (readonly string[] | undefined)[]): string[] {
  const out: string[] = [];
  for (const path of paths) for (const id of path ?? []) if (!out.includes(id)) out.push(id);
  return out;
}

export function centreView(centre: CentreInfo) {
  return { id: centre.id, name: centre.name, level: centre.level, parentId: centre.parentId, path: centre.path, closedAt: centre.closedAt };
}

/**
 * Runs one administration request: the caller must be an administrator; the outcome,
 * a change or a refusal, is audited under `action` (a read only when refused).
 */
export async function administer(
  ctx: ApiContext,
  req: Request,
  res: Response,
  action: string,
  run: (admin: Administrator, note: AuditNote) => Promise<{ status: number; body: unknown }>,
  options: { read?: boolean } = {},
): Promise<void> {
  const caller = callerOf(req);
  const actor = { personId: caller.personId, role: caller.role, centreId: caller.centreId };
  const note: AuditNote = { scope: caller.centrePath ? [...caller.centrePath] : [], detail: {} };
  const audit = (outcome: string, status: number, detail: Record<string, unknown>) =>
    writeAudit(ctx, { actor, action, outcome, status, detail, subjectId: note.subjectId ?? null, scope: note.scope, address: req.ip ?? null });
  let answer: { status: number; body: unknown };
  try {
    const admin = await administratorOf(ctx, req);
    note.scope = [...admin.path];
    answer = await run(admin, note);
  } catch (error) {
    const status = error instanceof HttpProblem ? error.problem.status : 500;
    await audit('refused', status, { ...note.detail, reason: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  if (!options.read) await audit('done', answer.status, note.detail);
  res.status(answer.status).json(answer.body);
}

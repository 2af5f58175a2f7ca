import { z } from '../zod';
import { ADMIN_REASONS, ASSIGNEE_ROLES, MANAGED_ROLES, ROLES, SPECIALTIES } from '../../domain';

export const poolMemberSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ASSIGNEE_ROLES),
    centreId: z.string(),
    specialties: z.array(z.string()),
    title: z.string().nullable(),
    load: z.number().int().openapi({ description: 'Open cases currently assigned' }),
  })
  .openapi('PoolMember');
export type PoolMember = z.output<typeof poolMemberSchema>;

// ---- administration: the people of an administrator's subtree ---------------------------

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const centreIdField = z.string({ error: ADMIN_REASONS.centreChoose }).min(1, ADMIN_REASONS.centreChoose).regex(idPattern, ADMIN_REASONS.centreUnknown);
const roleField = z.enum(ROLES, { error: ADMIN_REASONS.roleChoose });
const nameField = z.string().trim().min(1).max(100);
const titleField = z.string().trim().max(100);
const phoneField = z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number');
const specialtiesField = z.array(z.enum(SPECIALTIES)).max(SPECIALTIES.length).refine((list) => new Set(list).size === list.length, 'each specialty once');
const departmentField = z.string().regex(idPattern, ADMIN_REASONS.departmentUnknown);

export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$/;

export const adminPersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    username: z.string().nullable(),
    role: z.enum(ROLES),
    centreId: z.string(),
    centrePath: z.array(z.string()),
    specialties: z.array(z.string()),
    title: z.string().nullable(),
    phone: z.string().nullable(),
    departmentId: z.string().nullable(),
    active: z.boolean(),
    updatedAt: z.string().nullable(),
  })
  .openapi('AdminPerson', { description: 'A person as their administrator manages them (never a password or its hash)' });
export type AdminPerson = z.output<typeof adminPersonSchema>;

export const adminPersonListSchema = z.object({ items: z.array(adminPersonSchema), total: z.number().int() }).openapi('AdminPersonList');

export const adminPeopleQuerySchema = z.strictObject({
  centreId: z.string().regex(idPattern).optional().openapi({ description: 'Only people at this centre and below it' }),
  role: z.enum(MANAGED_ROLES).optional(),
  active: z.enum(['true', 'false']).optional(),
  specialty: z.enum(SPECIALTIES).optional(),
  q: z.string().trim().max(100).optional().openapi({ description: 'Part of the name, username, title or phone number' }),
});

export const newPersonSchema = z
  .strictObject({
    name: nameField,
    username: z.string({ error: ADMIN_REASONS.username }).trim().regex(USERNAME, ADMIN_REASONS.username),
    role: roleField,
    centreId: centreIdField,
    specialties: specialtiesField.optional(),
    title: titleField.optional(),
    phone: phoneField.optional(),
    departmentId: departmentField.optional(),
    password: z.string().max(1000).optional().openapi({ description: 'Optional: without one the person cannot sign in with a password until it is reset' }),
  })
  .openapi('NewPerson');
export type NewPerson = z.input<typeof newPersonSchema>;

export const personEditSchema = z
  .strictObject({
    name: nameField.optional(),
    title: titleField.nullable().optional(),
    phone: phoneField.nullable().optional(),
    role: roleField.optional(),
    centreId: centreIdField.optional(),
    specialties: specialtiesField.optional(),
    departmentId: departmentField.nullable().optional(),
  })
  .openapi('PersonEdit', { description: 'Only the fields to change' });
export type PersonEdit = z.input<typeof personEditSchema>;

export const passwordResetSchema = z.strictObject({ password: z.string().max(1000) }).openapi('PasswordReset');
export const passwordResetResultSchema = z.object({ id: z.string(), sessionsEnded: z.number().int() }).openapi('PasswordResetResult');

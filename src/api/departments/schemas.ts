import { z } from '../zod';

export const departmentSchema = z
  .object({
    id: z.string(),
    name: z.object({ zh: z.string(), en: z.string() }),
    centreId: z.string().openapi({ description: 'The centre it works with; that centre and those below it hand it cases' }),
  })
  .openapi('Department');

export const departmentListSchema = z.object({ items: z.array(departmentSchema) }).openapi('DepartmentList');

// ---- administration -----------------------------------------------------------------------

const departmentName = z.strictObject({ zh: z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) });

export const adminDepartmentSchema = departmentSchema.extend({ staff: z.number().int().openapi({ description: 'Active staff members' }) }).openapi('AdminDepartment');
export type AdminDepartment = z.output<typeof adminDepartmentSchema>;
export const adminDepartmentListSchema = z.object({ items: z.array(adminDepartmentSchema) }).openapi('AdminDepartmentList');

export const newDepartmentSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).optional().openapi({ description: 'Optional: generated when left out' }),
    name: departmentName,
    centreId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'no such centre'),
  })
  .openapi('NewDepartment');
export type NewDepartment = z.input<typeof newDepartmentSchema>;
export const departmentRenameSchema = z.strictObject({ name: departmentName }).openapi('DepartmentRename');

import type { Role } from './lifecycle';

/** The fields the visibility rule reads, whether from a stored case or its `case_index` entry. */
export interface CaseParties {
  centreId: string;
  centrePath: string[];
  complainantId: string | null;
  reportedById: string | null;
  mediatorId: string | null;
  expertId: string | null;
  /** The expert who gave the opinion, who keeps seeing the case after the request is closed. */
  opinionExpertId: string | null;
}

export interface Viewer {
  personId: string;
  role: Role;
  centreId?: string;
}

/** Who may see a case: its parties, the staff of its centre and above, its assignees. */
export function visibleTo(c: CaseParties, viewer: Viewer): boolean {
  const me = viewer.personId;
  switch (viewer.role) {
    case 'resident':
      return c.complainantId === me || c.reportedById === me;
    case 'grid_worker':
      return c.centreId === viewer.centreId || c.reportedById === me || c.complainantId === me;
    case 'mediator':
      return c.centreId === viewer.centreId || c.mediatorId === me;
    case 'expert':
      return c.expertId === me || c.opinionExpertId === me;
    case 'admin':
      return viewer.centreId !== undefined && c.centrePath.includes(viewer.centreId);
  }
}

/** Overdue: flagged by the workflow at the top level, or open past its deadline. */
export function isOverdueAt(c: { overdue: boolean; status: string; deadline: number | null }, now: number): boolean {
  return c.overdue || (c.status === 'open' && c.deadline !== null && c.deadline < now);
}

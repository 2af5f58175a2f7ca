/** A case's recorded events, read for the views that need more than the case's state holds. */
import type { CaseDocument, CaseEvent } from '../../domain';
import type { StoredCaseEvent } from '../../db/models';
import type { ApiContext } from '../context';

/**
 * Events 1..seq of a case, each read by its `_id` (`<caseId>:<seq>`): the only
 * lookup FerretDB's SQLite backend answers from an index. A filter on `caseId`
 * would scan and decode every event of every case.
 */
export async function eventsUpTo(ctx: ApiContext, caseId: string, seq: number): Promise<StoredCaseEvent[]> {
  const seqs = Array.from({ length: Math.max(0, seq) }, (_, i) => i + 1);
  const found = await Promise.all(seqs.map((n) => ctx.db.models.CaseEvent.findById(`${caseId}:${n}`).lean<StoredCaseEvent>()));
  return found.filter((event) => event !== null);
}

/**
 * What a case page shows beyond the state is in its events: why the case came (its
 * moves between centres) and the question of an expert request that has closed. Most
 * cases have neither, and their page costs no event read.
 */
function pageNeedsEvents(doc: CaseDocument): boolean {
  const moved = doc.visits.some((visit) => visit.centreId !== doc.centreId);
  const closedRequest = doc.expertRequest === null && doc.expertId !== null;
  return moved || closedRequest;
}

/** The events a case page reads: all of them when it needs them, none otherwise. */
export async function pageEvents(ctx: ApiContext, doc: CaseDocument): Promise<CaseEvent[]> {
  return pageNeedsEvents(doc) ? eventsUpTo(ctx, doc._id, doc.seq) : [];
}

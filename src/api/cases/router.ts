import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext } from '../context';
import { problems } from '../problem';
import { actionSchema, caseListSchema, caseParamsSchema, caseViewSchema, createdCaseSchema, idempotencyHeaders, intakeSchema, listQuerySchema, timelineSchema } from './schemas';
import { requestAddress } from '../audit';
import { performAction } from './actions';
import { createCase } from './intake';
import { getCase, listCases } from './queries';
import { getTimeline } from './timeline';

const TAGS = ['cases'];

export function caseRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/cases',
      summary: 'Report a complaint (intake); honours Idempotency-Key',
      tags: TAGS,
      auth: 'required',
      body: intakeSchema,
      headers: idempotencyHeaders,
      responses: {
        201: { description: 'Case opened; the workflow has started', schema: createdCaseSchema },
        200: { description: 'The case this Idempotency-Key already opened', schema: createdCaseSchema },
        403: { description: 'The caller may not report for this place' },
      },
      async handler(req, res, { body }) {
        const key = req.get('idempotency-key');
        if (key !== undefined && (key.length === 0 || key.length > 200)) {
          throw problems.validation([{ name: 'header.Idempotency-Key', reason: 'must be 1 to 200 characters' }]);
        }
        const result = await createCase(ctx, callerOf(req), body, key, { address: requestAddress(req) });
        if (result.replayed) res.set('Idempotent-Replayed', 'true');
        res.status(result.status).location(`/api/v1/cases/${String(result.body.id)}`).json(result.body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases',
      summary: "The caller's cases, filtered and paged",
      tags: TAGS,
      auth: 'required',
      query: listQuerySchema,
      responses: { 200: { description: 'A page of cases', schema: caseListSchema } },
      async handler(req, res, { query }) {
        res.json(await listCases(ctx, callerOf(req), query));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}',
      summary: 'One case, with what the caller may do now',
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: { 200: { description: 'The case', schema: caseViewSchema }, 404: { description: 'No such case, or not one the caller may see' } },
      async handler(req, res, { params }) {
        res.json(await getCase(ctx, callerOf(req), params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/cases/{id}/actions',
      summary: 'Advance a case: accept, assess, escalate, request_expert, submit_opinion, assign_mediator, record_*, close, feedback, reopen',
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      body: actionSchema,
      responses: {
        200: { description: 'The case after the action', schema: caseViewSchema },
        403: { description: "The caller's role or centre does not permit this action on this case" },
        404: { description: 'No such case' },
        409: { description: "Permitted for the caller but not in the case's current stage, or the case is closed" },
      },
      async handler(req, res, { params, body }) {
        res.json(await performAction(ctx, callerOf(req), params.id, body, requestAddress(req)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/timeline',
      summary: "Every transition, every stage visit and the workflow behind the case (administrators of the case's subtree)",
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: {
        200: { description: 'The timeline', schema: timelineSchema },
        403: { description: 'Not an administrator' },
        404: { description: "No such case in the caller's subtree" },
      },
      async handler(req, res, { params }) {
        res.json(await getTimeline(ctx, callerOf(req), params.id));
      },
    }),
  ];
}

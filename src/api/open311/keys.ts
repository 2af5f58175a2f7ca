/** The keys of Open311 client systems: the city's administrators issue, list and revoke them. */
import type { Request } from 'express';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, problems } from '../problem';
import { writeAudit } from '../audit';
import { createOpen311Key, listOpen311Keys, revokeOpen311Key, type Open311Key } from '../../db/open311-keys';
import { issuedOpen311KeySchema, newOpen311KeySchema, open311KeyIdParamsSchema, open311KeyListSchema, open311KeySchema, type Open311KeyView } from './schemas';

export function keyView(key: Open311Key): Open311KeyView {
  return {
    id: key.id,
    name: key.name,
    createdAt: key.createdAt.toISOString(),
    createdBy: key.createdBy,
    revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
    revokedBy: key.revokedBy,
  };
}

/**
 * A key lets a system file cases for any place in the city, so only an administrator
 * of the city centre (the root) manages them, as with the deadline policy.
 */
function cityAdminOnly(caller: Caller): void {
  if (caller.role !== 'admin' || caller.centrePath?.length !== 1) {
    throw problems.forbidden('Only an administrator of the city centre manages Open311 client keys', {
      zh: '只有市级中心的管理员可以管理 Open311 接入密钥，请联系市级中心。',
      en: 'Only an administrator of the city centre can manage Open311 client keys; ask the city centre.',
    });
  }
}

const BASE = '/api/v1/open311/keys';

export function open311KeyRoutes(ctx: ApiContext): RouteSpec[] {
  /** Runs `work` as the city administrator, auditing its outcome, and every refusal with its reason. */
  async function audited<T>(req: Request, action: string, detail: Record<string, unknown>, work: (caller: Caller) => Promise<{ result: T; detail: Record<string, unknown>; status: number }>): Promise<T> {
    const caller = callerOf(req);
    const base = { actor: { personId: caller.personId, role: caller.role, centreId: caller.centreId }, action, scope: caller.centrePath ?? [], address: req.ip ?? null };
    try {
      cityAdminOnly(caller);
      const done = await work(caller);
      await writeAudit(ctx, { ...base, outcome: 'ok', status: done.status, detail: { ...detail, ...done.detail } });
      return done.result;
    } catch (error) {
      const status = error instanceof HttpProblem ? error.problem.status : 500;
      await writeAudit(ctx, { ...base, outcome: 'refused', status, detail: { ...detail, reason: error instanceof Error ? error.message : String(error) } });
      throw error;
    }
  }

  return [
    defineRoute({
      method: 'get',
      path: BASE,
      summary: 'The Open311 client keys, newest first: fingerprint, system, when issued and revoked (never the key)',
      tags: ['open311'],
      auth: 'required',
      responses: { 200: { description: 'Keys', schema: open311KeyListSchema }, 403: { description: 'Not an administrator of the city centre' } },
      async handler(req, res) {
        const caller = callerOf(req);
        try {
          cityAdminOnly(caller);
        } catch (error) {
          await writeAudit(ctx, {
            actor: { personId: caller.personId, role: caller.role, centreId: caller.centreId },
            action: 'open311_key.list',
            outcome: 'refused',
            status: 403,
            scope: caller.centrePath ?? [],
            address: req.ip ?? null,
          });
          throw error;
        }
        res.json({ items: (await listOpen311Keys(ctx.db.models)).map(keyView) });
      },
    }),
    defineRoute({
      method: 'post',
      path: BASE,
      summary: 'Issue a key to an Open311 client system; the answer carries the key, this once',
      tags: ['open311'],
      auth: 'required',
      body: newOpen311KeySchema,
      responses: { 201: { description: 'The new key', schema: issuedOpen311KeySchema }, 403: { description: 'Not an administrator of the city centre' } },
      async handler(req, res, { body }) {
        const issued = await audited(req, 'open311_key.create', { name: body.name }, async (caller) => {
          const created = await createOpen311Key(ctx.db.models, body.name, caller.personId);
          return { result: created, detail: { keyId: created.record.id }, status: 201 };
        });
        res.status(201).set('Cache-Control', 'no-store').json({ ...keyView(issued.record), key: issued.key });
      },
    }),
    defineRoute({
      method: 'post',
      path: `${BASE}/{id}/revoke`,
      summary: 'Revoke an Open311 client key: requests with it are refused from now on (revoking it again changes nothing)',
      tags: ['open311'],
      auth: 'required',
      params: open311KeyIdParamsSchema,
      responses: { 200: { description: 'The key, revoked', schema: open311KeySchema }, 403: { description: 'Not an administrator of the city centre' }, 404: { description: 'No key with this id' } },
      async handler(req, res, { params }) {
        const revoked = await audited(req, 'open311_key.revoke', { keyId: params.id }, async (caller) => {
          const key = await revokeOpen311Key(ctx.db.models, params.id, caller.personId);
          if (!key) throw problems.notFound(`No Open311 client key ${params.id}`, { zh: `没有编号为 ${params.id} 的接入密钥。`, en: `There is no client key ${params.id}.` });
          return { result: key, detail: { name: key.name }, status: 200 };
        });
        res.json(keyView(revoked));
      },
    }),
  ];
}

/** The deadline policy: every staff member may read it; the city's administrators add versions. */
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, problems } from '../problem';
import { requestAddress, writeAudit } from '../audit';
import { addedYearsProblem, deadlinePolicyProblem, type PolicySettings } from '../../domain';
import { chinaCalendar } from '../../domain/china-calendar';
import { addPolicyVersion, currentPolicyVersion, policyOf, policyVersions, PolicyVersionTaken, type PolicyVersion } from '../../db/deadline-policies';
import { newPolicyVersionSchema, policyVersionListSchema, policyVersionSchema, type PolicyVersionView } from './schemas';

function viewOf(version: PolicyVersion, currentVersion: number): PolicyVersionView {
  return {
    version: version.version,
    current: version.version === currentVersion,
    settings: version.settings,
    coveredYears: policyOf(version).calendar.coveredYears,
    createdAt: version.createdAt === 0 ? null : new Date(version.createdAt).toISOString(),
    createdBy: version.createdBy,
    note: version.note,
  };
}

function staffOnly(caller: Caller): void {
  if (caller.role === 'resident' || caller.centreId === undefined) throw problems.forbidden('The deadline policy is for centre staff', { zh: '时限政策仅供中心工作人员查看。', en: 'The deadline policy is for centre staff.' });
}

/** Only an administrator of the city (the root centre) sets the policy every centre works to. */
function cityAdminOnly(caller: Caller): void {
  if (caller.role !== 'admin' || caller.centrePath?.length !== 1) throw problems.forbidden('Only an administrator of the city centre can change the deadline policy', {
      zh: '只有市级中心的管理员可以修改时限政策，请联系市级中心。',
      en: 'Only an administrator of the city centre can change the deadline policy; ask the city centre.',
    });
}

/** Every rule the schema cannot check alone, named by field. */
function settingsProblem(settings: PolicySettings, version: number, now: number): { name: string; reason: string } | null {
  const base = chinaCalendar();
  const years = addedYearsProblem(settings.addedYears, base);
  if (years) return { name: 'body.settings.addedYears', reason: years.replace(/^addedYears: /, '') };
  const problem = deadlinePolicyProblem(policyOf({ version, settings, createdAt: now, createdBy: '', note: '' }), now);
  if (!problem) return null;
  const field = /^([A-Za-z.]+)[ :]/.exec(problem)?.[1] ?? 'settings';
  return { name: `body.settings.${field}`, reason: problem };
}

export function deadlinePolicyRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/deadline-policy',
      summary: 'The deadline policy in force for cases filed from now on',
      tags: ['deadline policy'],
      auth: 'required',
      responses: { 200: { description: 'The current version', schema: policyVersionSchema }, 403: { description: 'Not centre staff' } },
      async handler(req, res) {
        staffOnly(callerOf(req));
        const current = await currentPolicyVersion(ctx.db.models);
        res.json(viewOf(current, current.version));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/deadline-policy/versions',
      summary: 'Every version of the deadline policy, newest first; each case names the one it runs under',
      tags: ['deadline policy'],
      auth: 'required',
      responses: { 200: { description: 'Versions', schema: policyVersionListSchema }, 403: { description: 'Not centre staff' } },
      async handler(req, res) {
        staffOnly(callerOf(req));
        const versions = await policyVersions(ctx.db.models);
        const current = versions[0]?.version ?? 1;
        res.json({ items: versions.map((version) => viewOf(version, current)) });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/deadline-policy/versions',
      summary: 'Save a new version of the deadline policy; it applies to cases filed after it, running cases keep theirs',
      tags: ['deadline policy'],
      auth: 'required',
      body: newPolicyVersionSchema,
      responses: {
        201: { description: 'The new version, now in force', schema: policyVersionSchema },
        400: { description: 'A rule of the policy is broken (named in errors)' },
        403: { description: 'Not an administrator of the city centre' },
        409: { description: 'The policy changed since the edit began' },
      },
      async handler(req, res, { body }) {
        const caller = callerOf(req);
        const actor = { personId: caller.personId, role: caller.role, centreId: caller.centreId };
        const audit = (outcome: string, status: number, detail: Record<string, unknown>) => writeAudit(ctx, { actor, action: 'deadline_policy.add_version', outcome, status, detail, scope: caller.centrePath ?? [], address: requestAddress(req) });
        try {
          cityAdminOnly(caller);
          const current = await currentPolicyVersion(ctx.db.models);
          if (body.basedOn !== current.version) throw problems.conflict(`The policy has changed since you began: version ${current.version} is now in force. Reload it and make your change again.`);
          const now = Date.now();
          const problem = settingsProblem(body.settings, current.version + 1, now);
          if (problem) throw problems.validation([problem], problem.reason);
          const saved = await addPolicyVersion(ctx.db.models, current.version, body.settings, caller.personId, body.note, now).catch((error: unknown) => {
            if (error instanceof PolicyVersionTaken) throw problems.conflict(`${error.message}; reload the policy and make your change again`);
            throw error;
          });
          await audit('ok', 201, { version: saved.version, basedOn: body.basedOn, note: body.note });
          res.status(201).json(viewOf(saved, saved.version));
        } catch (error) {
          const status = error instanceof HttpProblem ? error.problem.status : 500;
          await audit('refused', status, { basedOn: body.basedOn, reason: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      },
    }),
  ];
}

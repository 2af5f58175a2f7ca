import { randomBytes } from 'node:crypto';
import { signToken } from '../../src/auth/tokens';
import { maskPhone } from '../../src/domain/privacy';
import { DEFAULT_SLA_POLICY, formatCaseNumber, localDay, DEFAULT_TIME_ZONE, scalePolicy, scoreRisk, SEED_PEOPLE, type SlaPolicy } from '../../src/domain';
import { Organisation, SEED_CENTRES } from '../../src/domain';
import type { CaseWorkflowInput } from '../../workflows/definitions';

const organisation = new Organisation(SEED_CENTRES);

/** Bearer tokens for seeded people, signed with the secret the bench's API process uses. */
export class Tokens {
  private readonly cache = new Map<string, string>();
  constructor(private readonly secret: string) {}
  for(personId: string): string {
    let token = this.cache.get(personId);
    if (!token) {
      const person = SEED_PEOPLE.find((p) => p.id === personId);
      if (!person) throw new Error(`no seeded person ${personId}`);
      token = signToken(this.secret, { sub: person.id, role: person.role, centreId: person.centreId }, 24 * 3600);
      this.cache.set(personId, token);
    }
    return token;
  }
}

/** A street-light report from a Dongmen resident: low risk, handled in the village (docs/domain.md-like case 1). */
export function streetLightIntake(n: number) {
  return {
    category: 'public_facility_hazard',
    title: `路灯损坏 ${n}`,
    description: '小区路灯不亮',
    channel: 'app',
    location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: `${n} 号楼` },
    complainant: { name: '王秀兰', phone: '13800001234' },
  };
}

/** docs/domain.md, case 2, the dangerous house: high risk, climbs to the town, needs an expert. */
export function dangerousHouseIntake(n: number) {
  return {
    category: 'building_safety',
    title: `邻居土木结构老房墙体开裂 ${n}`,
    description: '居民反映邻居的土木结构老房墙体出现多处裂缝，有倒塌危险。',
    channel: 'grid',
    location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: `东门社区老街 ${n} 号` },
    complainant: { name: '王秀兰', phone: '13800002222', personId: 'p-dongmen-resident' },
    parties: [{ name: '房主', role: 'owner' }],
  };
}

export function newCaseId(): string {
  return `case_${randomBytes(12).toString('hex')}`;
}

/**
 * What the API would hand to workflow.start for a street-light report, built
 * without the API: the intake ceiling starts these, and the escalation bench
 * with a policy of its own.
 */
let directSerial = 500_000;

export function directCaseInput(n: number, slaPolicy: SlaPolicy = scalePolicy(DEFAULT_SLA_POLICY, 100), now = Date.now()): CaseWorkflowInput {
  const caseId = newCaseId();
  directSerial += 1;
  const body = streetLightIntake(n);
  const { risk, factors } = scoreRisk({ category: 'public_facility_hazard', title: body.title, description: body.description, partyCount: 1 });
  return {
    opening: {
      caseId,
      caseNumber: formatCaseNumber(localDay(now, DEFAULT_TIME_ZONE), directSerial), // far above the API's serials, so never taken twice
      category: 'public_facility_hazard',
      complainantId: 'p-dongmen-resident',
      reportedById: 'p-dongmen-resident',
      centrePath: organisation.pathOf('zz-pinghe-xiaoxi-dongmen'),
      risk,
      riskFactors: factors,
      slaPolicy,
      now,
    },
    intake: {
      title: body.title,
      description: body.description,
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: body.location.address, lat: null, lng: null },
      complainant: { personId: 'p-dongmen-resident', name: body.complainant.name, phone: body.complainant.phone },
      parties: [],
      affectedCount: null,
    },
    intakeAudit: {
      actor: { personId: 'p-dongmen-resident', role: 'resident' },
      action: 'intake',
      outcome: 'ok',
      status: 201,
      detail: { channel: 'app', category: 'public_facility_hazard', centreId: 'zz-pinghe-xiaoxi-dongmen', risk, complainantPhone: maskPhone(body.complainant.phone), idempotent: false },
    },
  };
}

/** A policy whose intake deadline for a case received at `now` falls exactly at `deadline`; everything after it is a day away. */
export function policyWithIntakeDeadline(now: number, deadline: number, warnAt: number): SlaPolicy {
  // Every later stage a day long: its warning (at warnAt of a day) and deadline
  // fall after the run, so escalated cases put no load on the read figures.
  const day = 24 * 3_600_000;
  const same = (ms: number) => ({ critical: ms, high: ms, medium: ms, low: ms });
  return {
    version: `bench-deadline-${deadline}`,
    warnAt,
    durations: {
      intake: same(Math.max(1, deadline - now)),
      risk_assessment: same(day),
      escalation: same(day),
      expert_consultation: same(day),
      mediation: same(day),
      closure: same(day),
      feedback: same(day),
    },
    reopenWindow: day,
  };
}

export { organisation };

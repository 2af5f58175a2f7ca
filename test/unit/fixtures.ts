// Shared test fixtures: the three worked examples from docs/domain.md and a case walker.
import {
  applyAction,
  DEFAULT_SLA_POLICY,
  newCase,
  Organisation,
  scoreRisk,
  SEED_CENTRES,
  type Actor,
  type ActorOrSystem,
  type CaseAction,
  type CasePolicy,
  type CaseEvent,
  type CaseState,
  type CategoryCode,
  type Risk,
  type RiskInput,
  type Role,
  type Transition,
} from '../../src/domain';

export const BUS_SHELTER: RiskInput = {
  category: 'public_facility_hazard',
  title: '公交站广告亭玻璃破碎',
  description: '网格员巡查发现公交站候车亭广告灯箱玻璃破碎，碎片散落在人行道上。',
  partyCount: 1,
};
export const DANGEROUS_HOUSE: RiskInput = {
  category: 'building_safety',
  title: '邻居土木结构老房墙体开裂',
  description: '居民反映邻居的土木结构老房墙体出现多处裂缝，有倒塌危险。',
  partyCount: 2,
};
export const ESTATE_COMMON_SPACE: RiskInput = {
  category: 'estate_dispute',
  title: '临街商铺占用小区公共区域',
  description: '业主代表反映临街商铺占用小区公共空间，业主、商户与物业三方冲突激烈，存在引发群体性事件的风险。',
  partyCount: 3,
};


export const ORG = new Organisation(SEED_CENTRES);
export const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);
export const MINUTE = 60_000;

export function person(personId: string, role: Role, centreId: string): Actor {
  return { kind: 'person', personId, role, centreId, centrePath: ORG.pathOf(centreId) };
}

/** An admin of whichever centre owns the case right now. */
export function ownerAdmin(state: CaseState): Actor {
  return person('p-owner-admin', 'admin', state.centreId);
}

interface StartOptions {
  category: CategoryCode;
  centreId: string;
  complainantId: string;
  reportedById?: string;
  risk?: Risk;
  riskInput?: RiskInput;
  now?: number;
  /** The first release's stage-by-stage policy unless given. */
  policy?: CasePolicy;
}

/** Walks a case through actions, keeping every event and advancing a clock. */
export class CaseWalk {
  state: CaseState;
  readonly events: CaseEvent[];
  now: number;

  constructor(options: StartOptions) {
    this.now = options.now ?? T0;
    const scored = options.riskInput ? scoreRisk(options.riskInput) : { risk: options.risk ?? 'low', factors: [] };
    const created = newCase({
      caseId: 'case_0123456789',
      caseNumber: 'ZZ-20261125-000001',
      category: options.category,
      complainantId: options.complainantId,
      reportedById: options.reportedById ?? options.complainantId,
      centrePath: ORG.pathOf(options.centreId),
      risk: options.risk ?? scored.risk,
      riskFactors: scored.factors,
      slaPolicy: options.policy ?? DEFAULT_SLA_POLICY,
      now: this.now,
    });
    this.state = created.state;
    this.events = [...created.events];
  }

  act(action: CaseAction, actor: ActorOrSystem, after = MINUTE): Transition {
    this.now += after;
    return this.record(applyAction(this.state, action, actor, this.now));
  }

  record(transition: Transition): Transition {
    this.state = transition.state;
    this.events.push(...transition.events);
    return transition;
  }

  types(): string[] {
    return this.events.map((event) => event.type);
  }
}

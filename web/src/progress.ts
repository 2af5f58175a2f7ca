/** The stepper of a case page, as a pure rule (unit-tested). */
import { STAGES } from '../../src/domain/lifecycle';

const MAIN_STAGES = STAGES.filter((s) => s !== 'closed');

/** Steps that only some cases take: shown when a case took them, never ticked for one that did not. */
const OPTIONAL_STAGES = new Set<string>(['escalation', 'expert_consultation']);

/**
 * The path of this case: the stages it has been through, in the order it went through
 * them (an escalation where it happened, never a jump back), then the usual ones ahead.
 */
export function progressSteps(visited: readonly string[], current: string): { stage: string; state: 'done' | 'current' | 'ahead' }[] {
  const path: string[] = [];
  for (const stage of visited) if (path[path.length - 1] !== stage) path.push(stage);
  if (current !== 'closed' && path[path.length - 1] !== current) path.push(current);
  const at = current === 'closed' ? path.length : path.lastIndexOf(current);
  const steps = path.map((stage, i) => ({ stage, state: i < at ? ('done' as const) : i === at ? ('current' as const) : ('ahead' as const) }));
  if (current === 'closed') return [...steps.filter((s) => s.stage !== 'closed'), { stage: 'closed', state: 'done' }];
  const from = MAIN_STAGES.indexOf(current as (typeof MAIN_STAGES)[number]);
  for (const stage of MAIN_STAGES.slice(from + 1)) if (!OPTIONAL_STAGES.has(stage)) steps.push({ stage, state: 'ahead' });
  return steps;
}


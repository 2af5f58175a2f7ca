import { describe, expect, it } from 'vitest';
import { progressSteps } from '../../web/src/progress';

const view = (steps: ReturnType<typeof progressSteps>) => steps.map((s) => `${s.stage}:${s.state}`);

describe('progressSteps: the stepper shows the path the case took', () => {
  it('an untouched case ticks nothing', () => {
    expect(view(progressSteps(['intake'], 'intake'))).toEqual(['intake:current', 'risk_assessment:ahead', 'mediation:ahead', 'closure:ahead', 'feedback:ahead']);
  });
  it('a hazard handled without escalation or an expert shows neither', () => {
    const steps = view(progressSteps(['intake', 'risk_assessment', 'mediation', 'closure'], 'closure'));
    expect(steps).toEqual(['intake:done', 'risk_assessment:done', 'mediation:done', 'closure:current', 'feedback:ahead']);
  });
  it('an escalation appears where it happened, and the path never runs backwards', () => {
    const steps = view(progressSteps(['intake', 'escalation', 'intake', 'risk_assessment'], 'risk_assessment'));
    expect(steps).toEqual(['intake:done', 'escalation:done', 'intake:done', 'risk_assessment:current', 'mediation:ahead', 'closure:ahead', 'feedback:ahead']);
  });
  it('a closed case is all done', () => {
    expect(progressSteps(['intake', 'risk_assessment', 'mediation', 'closure', 'feedback', 'closed'], 'closed').every((s) => s.state === 'done')).toBe(true);
  });
});

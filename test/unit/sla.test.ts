import { describe, expect, it } from 'vitest';
import { DAY, DEFAULT_SLA_POLICY, HOUR, MINUTE, scalePolicy, stageDeadline, validateSlaPolicy, warningTime, type SlaPolicy } from '../../src/domain';

const T0 = Date.UTC(2026, 10, 25, 8, 0, 0);

describe('default SLA policy', () => {
  it('uses the article benchmark of five minutes to accept, whatever the risk', () => {
    expect(Object.values(DEFAULT_SLA_POLICY.durations.intake)).toEqual([5 * MINUTE, 5 * MINUTE, 5 * MINUTE, 5 * MINUTE]);
  });

  it('gives critical cases the shortest deadlines in every stage', () => {
    for (const byRisk of Object.values(DEFAULT_SLA_POLICY.durations)) {
      expect(byRisk.critical).toBeLessThanOrEqual(byRisk.high);
      expect(byRisk.high).toBeLessThanOrEqual(byRisk.medium);
      expect(byRisk.medium).toBeLessThanOrEqual(byRisk.low);
    }
    expect(DEFAULT_SLA_POLICY.durations.escalation).toMatchObject({ critical: 15 * MINUTE, low: 2 * HOUR });
    expect(DEFAULT_SLA_POLICY.durations.mediation).toMatchObject({ critical: DAY, low: 15 * DAY });
    expect(DEFAULT_SLA_POLICY.reopenWindow).toBe(7 * DAY);
  });

  it('validates', () => {
    expect(validateSlaPolicy(DEFAULT_SLA_POLICY)).toBe(DEFAULT_SLA_POLICY);
  });
});

describe('deadline arithmetic', () => {
  it('adds the stage duration to the time the stage was entered', () => {
    expect(stageDeadline(DEFAULT_SLA_POLICY, 'risk_assessment', 'critical', T0)).toBe(T0 + HOUR);
    expect(stageDeadline(DEFAULT_SLA_POLICY, 'mediation', 'low', T0)).toBe(T0 + 15 * DAY);
  });

  it('warns at 80% of the duration', () => {
    expect(warningTime(DEFAULT_SLA_POLICY, 'intake', 'low', T0)).toBe(T0 + 4 * MINUTE);
    expect(warningTime(DEFAULT_SLA_POLICY, 'closure', 'critical', T0)).toBe(T0 + 0.8 * 4 * HOUR);
  });
});

describe('scalePolicy', () => {
  it('multiplies every duration and the reopen window, in whole milliseconds', () => {
    const fast = scalePolicy(DEFAULT_SLA_POLICY, 0.001);
    expect(fast.durations.intake.low).toBe(300);
    expect(fast.durations.mediation.low).toBe(15 * 86_400);
    expect(fast.reopenWindow).toBe(7 * 86_400);
    expect(fast.version).toBe('2026.1@x0.001');
    expect(fast.warnAt).toBe(0.8);
    expect(validateSlaPolicy(fast)).toBe(fast);
  });

  it('does not change the policy it scales', () => {
    scalePolicy(DEFAULT_SLA_POLICY, 2);
    expect(DEFAULT_SLA_POLICY.durations.intake.low).toBe(5 * MINUTE);
  });

  it('keeps the version at scale 1', () => {
    expect(scalePolicy(DEFAULT_SLA_POLICY, 1).version).toBe('2026.1');
  });

  it('rejects a scale that is zero, negative or not finite', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => scalePolicy(DEFAULT_SLA_POLICY, bad)).toThrow(/scale/);
  });
});

describe('validateSlaPolicy', () => {
  const withDuration = (value: number | undefined): SlaPolicy => {
    const mediation = { ...DEFAULT_SLA_POLICY.durations.mediation, high: value } as unknown as SlaPolicy['durations']['mediation'];
    return { ...DEFAULT_SLA_POLICY, durations: { ...DEFAULT_SLA_POLICY.durations, mediation } };
  };

  it('rejects warnAt outside (0, 1)', () => {
    expect(() => validateSlaPolicy({ ...DEFAULT_SLA_POLICY, warnAt: 0 })).toThrow(/warnAt/);
    expect(() => validateSlaPolicy({ ...DEFAULT_SLA_POLICY, warnAt: 1 })).toThrow(/warnAt/);
  });

  it('rejects negative or missing durations, naming the stage and risk', () => {
    expect(() => validateSlaPolicy(withDuration(-1))).toThrow('mediation/high');
    expect(() => validateSlaPolicy(withDuration(undefined))).toThrow('mediation/high');
  });

  it('rejects a missing stage and a negative reopen window', () => {
    const { feedback: _feedback, ...rest } = DEFAULT_SLA_POLICY.durations;
    expect(() => validateSlaPolicy({ ...DEFAULT_SLA_POLICY, durations: rest as SlaPolicy['durations'] })).toThrow('feedback');
    expect(() => validateSlaPolicy({ ...DEFAULT_SLA_POLICY, reopenWindow: -5 })).toThrow(/reopenWindow/);
  });
});

import { describe, expect, it } from 'vitest';
import { timeLeftState } from '../../web/src/time-left';

const NOW = Date.parse('2026-12-02T08:00:00Z');

describe('timeLeftState (what a case list and page show as time left)', () => {
  it('a case overdue at the city, with no further deadline, shows overdue, not "no deadline"', () => {
    expect(timeLeftState({ deadline: null, overdue: true, status: 'open' }, NOW)).toEqual({ kind: 'overdue', byMs: null });
  });
  it('a passed deadline is overdue by the time since it', () => {
    expect(timeLeftState({ deadline: '2026-12-02T07:00:00Z', overdue: false, status: 'open' }, NOW)).toEqual({ kind: 'overdue', byMs: 3600_000 });
  });
  it('a deadline ahead shows the time left; none, and closed cases, show no deadline', () => {
    expect(timeLeftState({ deadline: '2026-12-02T09:00:00Z', status: 'open' }, NOW)).toEqual({ kind: 'left', ms: 3600_000 });
    expect(timeLeftState({ deadline: null, status: 'open' }, NOW)).toEqual({ kind: 'none' });
    expect(timeLeftState({ deadline: null, overdue: true, status: 'closed' }, NOW)).toEqual({ kind: 'none' });
  });
});

import { describe, expect, it } from 'vitest';
import { MINIMUM_LEVEL, needsHigherLevel, requiredLevelFor, riskForScore, partyCountOf, riskRank, scoreRisk, type RiskInput } from '../../src/domain';
import { BUS_SHELTER, DANGEROUS_HOUSE, ESTATE_COMMON_SPACE } from './fixtures';

function factor(input: RiskInput, code: string) {
  return scoreRisk(input).factors.find((f) => f.code === code);
}

describe('scoreRisk on the three cases from docs/domain.md', () => {
  it('broken bus-shelter glass is high: hazard category plus physical danger', () => {
    const result = scoreRisk(BUS_SHELTER);
    expect(result.risk).toBe('high');
    expect(result.factors.map((f) => f.code)).toEqual(['category', 'physical_danger']);
    expect(factor(BUS_SHELTER, 'physical_danger')?.evidence).toContain('玻璃');
    expect(factor(BUS_SHELTER, 'physical_danger')?.evidence).toContain('碎');
  });

  it('cracked house that may collapse is high', () => {
    const result = scoreRisk(DANGEROUS_HOUSE);
    expect(result.risk).toBe('high');
    expect(factor(DANGEROUS_HOUSE, 'physical_danger')?.evidence).toBe('倒塌, 裂缝');
    expect(factor(DANGEROUS_HOUSE, 'parties')).toBeUndefined();
  });

  it('three-way estate conflict with mass-incident potential is critical', () => {
    const result = scoreRisk(ESTATE_COMMON_SPACE);
    expect(result.risk).toBe('critical');
    expect(factor(ESTATE_COMMON_SPACE, 'parties')?.evidence).toBe('3 parties');
    expect(factor(ESTATE_COMMON_SPACE, 'mass_incident')?.evidence).toBe('群体, 冲突');
    expect(factor(ESTATE_COMMON_SPACE, 'category')?.evidence).toBe('estate_dispute');
  });

  it('the score is the sum of the factors it reports', () => {
    for (const input of [BUS_SHELTER, DANGEROUS_HOUSE, ESTATE_COMMON_SPACE]) {
      const result = scoreRisk(input);
      expect(result.score).toBe(result.factors.reduce((sum, f) => sum + f.points, 0));
      for (const f of result.factors) expect(f.label.zh.length * f.label.en.length).toBeGreaterThan(0);
    }
  });
});

describe('scoreRisk rules', () => {
  const quiet: RiskInput = { category: 'neighbour_dispute', title: 'Noise', description: 'Music at night', partyCount: 2 };

  it('a quiet two-party dispute is low with only the category factor', () => {
    expect(scoreRisk(quiet)).toMatchObject({ risk: 'low', factors: [{ code: 'category' }] });
  });

  it('matches English words case-insensitively, with endings, but not inside other words', () => {
    expect(factor({ ...quiet, description: 'The wall has CRACKS and may Collapse' }, 'physical_danger')?.evidence).toBe('collapse, crack');
    expect(factor({ ...quiet, description: 'Children and an ELDERLY man live there' }, 'vulnerable_people')?.evidence).toBe('elderly, child');
    expect(factor({ ...quiet, description: 'They were fired without pay' }, 'physical_danger')).toBeUndefined();
    expect(factor({ ...quiet, description: 'Owners plan a protest' }, 'mass_incident')?.evidence).toBe('protest');
  });

  it('counts vulnerable people in Chinese', () => {
    expect(factor({ ...quiet, description: '家中有老人和孕妇' }, 'vulnerable_people')?.evidence).toBe('老人, 孕妇');
  });

  it('gives more points for more parties, people affected and prior complaints', () => {
    expect(factor({ ...quiet, partyCount: 3 }, 'parties')?.points).toBe(15);
    expect(factor({ ...quiet, partyCount: 5 }, 'parties')?.points).toBe(25);
    expect(factor({ ...quiet, affectedCount: 9 }, 'affected')).toBeUndefined();
    expect(factor({ ...quiet, affectedCount: 10 }, 'affected')?.points).toBe(10);
    expect(factor({ ...quiet, affectedCount: 50 }, 'affected')?.points).toBe(20);
    expect(factor({ ...quiet, priorComplaints: 1 }, 'repeat_complaints')?.points).toBe(10);
    expect(factor({ ...quiet, priorComplaints: 3 }, 'repeat_complaints')?.evidence).toBe('3 prior complaints');
  });

  it('leaves out a zero-point category', () => {
    expect(scoreRisk({ ...quiet, category: 'other' }).factors).toEqual([]);
  });
});

describe('risk thresholds and levels', () => {
  it('maps scores to risks at 20, 40 and 60', () => {
    expect([0, 19, 20, 39, 40, 59, 60, 200].map(riskForScore)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
    expect(riskRank('critical')).toBeGreaterThan(riskRank('high'));
  });

  it('requires a county for critical and a town for high', () => {
    expect(MINIMUM_LEVEL).toEqual({ critical: 'county', high: 'town', medium: 'village', low: 'village' });
    expect(requiredLevelFor('high')).toBe('town');
    expect(needsHigherLevel('critical', 'town')).toBe(true);
    expect(needsHigherLevel('critical', 'county')).toBe(false);
    expect(needsHigherLevel('critical', 'city')).toBe(false);
    expect(needsHigherLevel('high', 'village')).toBe(true);
    expect(needsHigherLevel('medium', 'village')).toBe(false);
  });
});

describe('partyCountOf', () => {
  it('counts a complainant who lists herself among the parties once', () => {
    expect(partyCountOf('王秀兰', [{ name: '王秀兰' }, { name: '赖永福' }])).toBe(2);
    expect(partyCountOf('王秀兰', [{ name: ' 王 秀兰 ' }, { name: '赖永福' }])).toBe(2);
  });
  it('counts each other party once', () => {
    expect(partyCountOf('王秀兰', [{ name: '物业公司' }, { name: '商铺' }, { name: '商铺' }])).toBe(3);
    expect(partyCountOf('王秀兰', [])).toBe(1);
  });
  it('so a two-party dispute with the complainant listed again gets no "many parties" points', () => {
    const input = { category: 'neighbour_dispute' as const, title: '噪音', description: '楼上夜间噪音' };
    const twice = scoreRisk({ ...input, partyCount: partyCountOf('王秀兰', [{ name: '王秀兰' }, { name: '赖永福' }]) });
    expect(twice.factors.map((f) => f.code)).not.toContain('parties');
  });
});

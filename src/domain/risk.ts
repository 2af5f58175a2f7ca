/**
 * Rule-based risk scoring. Every rule that contributes points is kept as a factor with the
 * evidence that triggered it, so a person can see why a case got its risk level and which
 * level of centre must handle it.
 */
import { CATEGORIES, type CategoryCode } from './categories';
import { isAbove, type Level } from './organisation';

export const RISKS = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof RISKS)[number];

/** low 0 … critical 3. */
export function riskRank(risk: Risk): number {
  return RISKS.indexOf(risk);
}

export interface RiskFactor {
  code: string;
  points: number;
  label: { zh: string; en: string };
  evidence?: string;
}

export interface RiskInput {
  category: CategoryCode;
  title: string;
  description: string;
  partyCount: number;
  affectedCount?: number;
  priorComplaints?: number;
}

/**
 * The people a dispute involves: the complainant and the other parties named, each once.
 * A complainant who also lists themselves among the parties (by the same name) is one
 * person, not two: counting them twice raised the risk of an ordinary two-party dispute.
 */
export function partyCountOf(complainantName: string, parties: readonly { name: string }[]): number {
  const same = (name: string) => name.trim().replace(/\s+/g, '').toLowerCase();
  const others = new Set(parties.map((p) => same(p.name)).filter((name) => name !== '' && name !== same(complainantName)));
  return 1 + others.size;
}

export interface RiskScore {
  risk: Risk;
  score: number;
  factors: RiskFactor[];
}

/** Lowest score for each risk, checked from the most severe down. */
export const RISK_THRESHOLDS: readonly { risk: Risk; minScore: number }[] = [
  { risk: 'critical', minScore: 60 },
  { risk: 'high', minScore: 40 },
  { risk: 'medium', minScore: 20 },
  { risk: 'low', minScore: 0 },
];

/** Points per rule. Tuned so docs/domain.md's worked examples land on high, high, critical. */
export const RISK_POINTS = {
  partiesMany: 15, // ≥ 3 parties: a multi-sided conflict is harder to settle
  partiesCrowd: 25, // ≥ 5 parties
  affectedMany: 10, // ≥ 10 people affected
  affectedCrowd: 20, // ≥ 50 people affected
  physicalDanger: 25, // someone can get hurt: the main reason hazards go up fast
  vulnerablePeople: 10,
  repeatOnce: 10, // complained before: the first handling did not work
  repeatOften: 20, // ≥ 3 prior complaints
  massIncident: 35, // potential 群体性事件 is the article's top concern
} as const;

interface KeywordRule {
  code: string;
  points: number;
  label: { zh: string; en: string };
  zh: readonly string[];
  en: readonly string[];
}

const KEYWORD_RULES: readonly KeywordRule[] = [
  {
    code: 'physical_danger',
    points: RISK_POINTS.physicalDanger,
    label: { zh: '人身安全危险', en: 'Physical danger' },
    zh: ['倒塌', '坍塌', '垮塌', '裂缝', '裂痕', '危房', '碎', '玻璃', '漏电', '触电', '火', '爆炸', '燃气', '煤气', '落石', '塌方'],
    en: ['collapse', 'collapsed', 'collapsing', 'crack', 'broken', 'shattered', 'glass', 'fire', 'electric', 'electrical', 'electrocution', 'explosion', 'gas leak', 'landslide'],
  },
  {
    code: 'vulnerable_people',
    points: RISK_POINTS.vulnerablePeople,
    label: { zh: '涉及弱势群体', en: 'Vulnerable people involved' },
    zh: ['老人', '儿童', '孩子', '小孩', '学生', '残疾', '孕妇', '独居'],
    en: ['elderly', 'child', 'kid', 'disabled', 'disability', 'pregnant', 'student'],
  },
  {
    code: 'mass_incident',
    points: RISK_POINTS.massIncident,
    label: { zh: '可能引发群体性事件', en: 'Potential mass incident' },
    zh: ['群体', '聚集', '集体', '上访', '围堵', '冲突', '多方', '堵路', '闹事'],
    en: ['mass', 'crowd', 'protest', 'petition', 'conflict', 'blockade', 'riot'],
  },
];

/** English keywords match whole words with common endings ("cracks", "children", "protesting"). */
function englishPattern(word: string): RegExp {
  return new RegExp(`\\b${word}(s|es|ed|ing|ren)?\\b`, 'i');
}

function matchedKeywords(rule: KeywordRule, text: string): string[] {
  const zh = rule.zh.filter((word) => text.includes(word));
  const en = rule.en.filter((word) => englishPattern(word).test(text));
  return [...zh, ...en];
}

function keywordFactors(text: string): RiskFactor[] {
  const factors: RiskFactor[] = [];
  for (const rule of KEYWORD_RULES) {
    const found = matchedKeywords(rule, text);
    if (found.length > 0) factors.push({ code: rule.code, points: rule.points, label: rule.label, evidence: found.join(', ') });
  }
  return factors;
}

function categoryFactor(category: CategoryCode): RiskFactor {
  const { name, basePoints } = CATEGORIES[category];
  return { code: 'category', points: basePoints, label: { zh: `类别：${name.zh}`, en: `Category: ${name.en}` }, evidence: category };
}

function partyFactor(partyCount: number): RiskFactor | null {
  if (partyCount < 3) return null;
  const points = partyCount >= 5 ? RISK_POINTS.partiesCrowd : RISK_POINTS.partiesMany;
  return { code: 'parties', points, label: { zh: '多方当事人', en: 'Many parties' }, evidence: `${partyCount} parties` };
}

function affectedFactor(affectedCount: number): RiskFactor | null {
  if (affectedCount < 10) return null;
  const points = affectedCount >= 50 ? RISK_POINTS.affectedCrowd : RISK_POINTS.affectedMany;
  return { code: 'affected', points, label: { zh: '影响人数多', en: 'Many people affected' }, evidence: `${affectedCount} people affected` };
}

function repeatFactor(priorComplaints: number): RiskFactor | null {
  if (priorComplaints < 1) return null;
  const points = priorComplaints >= 3 ? RISK_POINTS.repeatOften : RISK_POINTS.repeatOnce;
  return { code: 'repeat_complaints', points, label: { zh: '重复投诉', en: 'Repeat complaint' }, evidence: `${priorComplaints} prior complaints` };
}

export function riskForScore(score: number): Risk {
  const band = RISK_THRESHOLDS.find((threshold) => score >= threshold.minScore);
  return band ? band.risk : 'low';
}

export function scoreRisk(input: RiskInput): RiskScore {
  const text = `${input.title}\n${input.description}`;
  const candidates: (RiskFactor | null)[] = [
    categoryFactor(input.category),
    partyFactor(input.partyCount),
    affectedFactor(input.affectedCount ?? 0),
    ...keywordFactors(text),
    repeatFactor(input.priorComplaints ?? 0),
  ];
  const factors = candidates.filter((factor): factor is RiskFactor => factor !== null && factor.points > 0);
  const score = factors.reduce((sum, factor) => sum + factor.points, 0);
  return { risk: riskForScore(score), score, factors };
}

/** The lowest level of centre with the authority to handle a case of this risk. */
export const MINIMUM_LEVEL: Record<Risk, Level> = {
  critical: 'county',
  high: 'town',
  medium: 'village',
  low: 'village',
};

export function requiredLevelFor(risk: Risk): Level {
  return MINIMUM_LEVEL[risk];
}

/** True when a centre at `currentLevel` lacks the authority for this risk. */
export function needsHigherLevel(risk: Risk, currentLevel: Level): boolean {
  return isAbove(requiredLevelFor(risk), currentLevel);
}

/**
 * Complaint categories. A category decides whether the case is a dispute between parties
 * (ends in an agreement or a referral) or a hazard (ends in a disposal by a department),
 * which mediator specialty fits by default, and the base risk points.
 */

export const CATEGORY_CODES = [
  'public_facility_hazard',
  'building_safety',
  'neighbour_dispute',
  'estate_dispute',
  'labour_dispute',
  'family_dispute',
  'land_dispute',
  'other',
  'other_hazard',
] as const;
export type CategoryCode = (typeof CATEGORY_CODES)[number];

export const SPECIALTIES = [
  'estate',
  'neighbour',
  'labour',
  'family',
  'land',
  'building_safety',
  'public_facility',
  'legal',
  'general',
] as const;
export type Specialty = (typeof SPECIALTIES)[number];

export const CASE_KINDS = ['dispute', 'hazard'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export interface Category {
  code: CategoryCode;
  name: { zh: string; en: string };
  kind: CaseKind;
  defaultSpecialty: Specialty;
  /** Starting risk points: hazards start higher because someone can get hurt. */
  basePoints: number;
}

export const CATEGORIES: Record<CategoryCode, Category> = {
  public_facility_hazard: {
    code: 'public_facility_hazard',
    name: { zh: '公共设施隐患', en: 'Public facility hazard' },
    kind: 'hazard',
    defaultSpecialty: 'public_facility',
    basePoints: 15,
  },
  building_safety: {
    code: 'building_safety',
    name: { zh: '房屋安全', en: 'Building safety' },
    kind: 'hazard',
    defaultSpecialty: 'building_safety',
    basePoints: 20,
  },
  neighbour_dispute: {
    code: 'neighbour_dispute',
    name: { zh: '邻里纠纷', en: 'Neighbour dispute' },
    kind: 'dispute',
    defaultSpecialty: 'neighbour',
    basePoints: 5,
  },
  estate_dispute: {
    code: 'estate_dispute',
    name: { zh: '物业纠纷', en: 'Housing estate dispute' },
    kind: 'dispute',
    defaultSpecialty: 'estate',
    basePoints: 10,
  },
  labour_dispute: {
    code: 'labour_dispute',
    name: { zh: '劳资纠纷', en: 'Labour dispute' },
    kind: 'dispute',
    defaultSpecialty: 'labour',
    basePoints: 10,
  },
  family_dispute: {
    code: 'family_dispute',
    name: { zh: '婚姻家庭纠纷', en: 'Marriage and family dispute' },
    kind: 'dispute',
    defaultSpecialty: 'family',
    basePoints: 5,
  },
  land_dispute: {
    code: 'land_dispute',
    name: { zh: '土地纠纷', en: 'Land dispute' },
    kind: 'dispute',
    defaultSpecialty: 'land',
    basePoints: 10,
  },
  other: {
    code: 'other',
    name: { zh: '其他纠纷', en: 'Other dispute' },
    kind: 'dispute',
    defaultSpecialty: 'general',
    basePoints: 0,
  },
  /** A danger that fits no other category (a loose sign, an open manhole on private land): a hazard all the same. */
  other_hazard: {
    code: 'other_hazard',
    name: { zh: '其他隐患', en: 'Other hazard' },
    kind: 'hazard',
    defaultSpecialty: 'general',
    basePoints: 15,
  },
};

export function isCategoryCode(value: string): value is CategoryCode {
  return (CATEGORY_CODES as readonly string[]).includes(value);
}

export function isSpecialty(value: string): value is Specialty {
  return (SPECIALTIES as readonly string[]).includes(value);
}

export function isHazard(code: CategoryCode): boolean {
  return CATEGORIES[code].kind === 'hazard';
}

import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Typed search attributes on every case workflow, so administrators can filter
 * cases in the Temporal Web UI as well as through the API. No personal data here.
 */
export const CASE_STAGE = defineSearchAttributeKey('OnedoorStage', SearchAttributeType.KEYWORD);
export const CASE_LEVEL = defineSearchAttributeKey('OnedoorLevel', SearchAttributeType.KEYWORD);
export const CASE_CENTRE = defineSearchAttributeKey('OnedoorCentre', SearchAttributeType.KEYWORD);
/** The owning centre and all its ancestors: `OnedoorCentrePath = 'zz-pinghe'` finds a county's subtree. */
export const CASE_CENTRE_PATH = defineSearchAttributeKey('OnedoorCentrePath', SearchAttributeType.KEYWORD_LIST);
export const CASE_RISK = defineSearchAttributeKey('OnedoorRisk', SearchAttributeType.KEYWORD);
export const CASE_OVERDUE = defineSearchAttributeKey('OnedoorOverdue', SearchAttributeType.BOOL);
export const CASE_CATEGORY = defineSearchAttributeKey('OnedoorCategory', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  CASE_STAGE,
  CASE_LEVEL,
  CASE_CENTRE,
  CASE_CENTRE_PATH,
  CASE_RISK,
  CASE_OVERDUE,
  CASE_CATEGORY,
] as const;

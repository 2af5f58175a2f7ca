/**
 * A reason the API gave for a field (zod's English, or a rule's), in the reader's words:
 * what is wrong and, where there is one, the limit. Pure, so it is unit-tested.
 */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function localReason(reason: string, t: Translate): string {
  if (/received undefined|too small|>=1 characters|must not be empty|required/i.test(reason)) return t('err.required');
  if (/invalid option|expected one of/i.test(reason)) return t('err.choose');
  if (/expected number|nan/i.test(reason)) return t('err.number');
  if (/phone/i.test(reason)) return t('err.phone');
  const limit = /<=\s*(\d+)/.exec(reason)?.[1];
  if (/too big|<=\d+ characters/i.test(reason)) return limit ? t('err.tooLongMax', { n: limit }) : t('err.tooLong');
  if (/^an id\b|letters, digits/i.test(reason)) return t('err.id');
  if (/village or community/i.test(reason)) return t('err.village');
  return reason;
}

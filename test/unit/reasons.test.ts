import { describe, expect, it } from 'vitest';
import { localReason } from '../../web/src/reasons';
import { translate } from '../../web/src/i18n';

const zh = (key: string, vars?: Record<string, string | number>) => translate('zh', key, vars);
const en = (key: string, vars?: Record<string, string | number>) => translate('en', key, vars);

describe('localReason: the API’s field reasons in the reader’s words', () => {
  it('an unknown option (the category list) asks to choose, instead of listing every code', () => {
    const reason = 'Invalid option: expected one of "public_facility_hazard"|"building_safety"|"neighbour_dispute"';
    expect(localReason(reason, zh)).toBe('请从列表中选择一项');
    expect(localReason(reason, en)).toBe('Choose one from the list');
  });
  it('too long says the limit', () => {
    expect(localReason('Too big: expected string to have <=100 characters', zh)).toBe('内容过长：最多 100 个字');
    expect(localReason('Too big: expected string to have <=100 characters', en)).toBe('Too long: at most 100 characters');
  });
  it('a missing star rating is "required", not "enter a valid number"', () => {
    expect(localReason('Invalid input: expected number, received undefined', zh)).toBe('此项必填');
    expect(localReason('Invalid input: expected number, received NaN', zh)).toBe('请填写有效的数字');
  });
  it('an id’s pattern is worded for people', () => {
    expect(localReason('an id: letters, digits, "-" and "_"', zh)).toBe('编号格式不对：只能用字母、数字、“-”和“_”');
  });
  it('a reason it does not know is shown as it is', () => {
    expect(localReason('until: must be after now', en)).toBe('until: must be after now');
  });
});

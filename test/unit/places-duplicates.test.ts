// Places and duplicates as pure rules: the region served, distances, which open cases the
// duplicate rule suggests, when a case may be linked to another, what linking does to the
// case and to the dashboard, and the tile server's place in the page's security policy.
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  checkAction,
  countDashboard,
  distanceMetres,
  DUPLICATE_RULE,
  duplicateLinkCheck,
  isFinished,
  isInServedRegion,
  notificationsFor,
  placeOfCase,
  SEED_CENTRES,
  similarCases,
  CENTRE_POSITIONS,
  type CountedCase,
  type OriginalCase,
  type SuggestibleCase,
} from '../../src/domain';
import { locationIssues } from '../../src/api/places/location';
import { tileImageSource } from '../../src/api/hardening';
import { loadConfig } from '../../src/config';
import { CaseWalk, ownerAdmin, person, T0 } from './fixtures';

const DAY = 24 * 3_600_000;
const DONGMEN = 'zz-pinghe-xiaoxi-dongmen';
const XIMEN = 'zz-pinghe-xiaoxi-ximen';
const HERE = { lat: 24.3662, lng: 117.3228 };

function open(id: string, overrides: Partial<SuggestibleCase> = {}): SuggestibleCase & { caseNumber: string } {
  return { id, caseNumber: `N-${id}`, category: 'neighbour_dispute', status: 'open', receivedAt: T0 - DAY, villageId: DONGMEN, lat: null, lng: null, duplicateOf: null, ...overrides };
}

describe('places', () => {
  it('knows the city: every seeded village and town has a place inside the region served', () => {
    for (const centre of SEED_CENTRES) {
      const at = CENTRE_POSITIONS[centre.id];
      expect(at, centre.id).toBeDefined();
      expect(isInServedRegion(at as { lat: number; lng: number }), centre.id).toBe(true);
    }
    expect(isInServedRegion({ lat: 39.9, lng: 116.4 })).toBe(false); // Beijing
  });

  it('measures metres on the ground', () => {
    // 0.001° of latitude is about 111 m anywhere.
    expect(distanceMetres(HERE, { lat: HERE.lat + 0.001, lng: HERE.lng })).toBeCloseTo(111.2, 0);
    expect(distanceMetres(HERE, HERE)).toBe(0);
  });

  it('draws a case at its own point, or else at its village, marked approximate', () => {
    expect(placeOfCase({ ...HERE, villageId: DONGMEN })).toEqual({ ...HERE, approximate: false });
    expect(placeOfCase({ lat: null, lng: null, villageId: DONGMEN })).toEqual({ ...CENTRE_POSITIONS[DONGMEN], approximate: true });
    expect(placeOfCase({ villageId: 'zz-nowhere' })).toBeNull();
  });

  it('takes both coordinates or none, within the city, and says which field is wrong', () => {
    expect(locationIssues({})).toEqual([]);
    expect(locationIssues({ ...HERE, accuracy: 20, source: 'device' })).toEqual([]);
    expect(locationIssues({ lat: HERE.lat })).toEqual([{ field: 'lng', reason: expect.stringContaining('both') }]);
    expect(locationIssues({ accuracy: 10 })).toEqual([{ field: 'lat', reason: expect.stringContaining('lat and lng') }]);
    expect(locationIssues({ lat: 39.9, lng: 116.4 })).toEqual([{ field: 'lat', reason: expect.stringContaining('outside') }]);
  });
});

describe('the duplicate rule', () => {
  const now = T0;

  it('suggests open cases of the same category in the same village, or nearby elsewhere, received recently; nearest first', () => {
    const cases = [
      open('same-village'),
      open('near-other-village', { villageId: XIMEN, lat: HERE.lat + 0.001, lng: HERE.lng }),
      open('far-other-village', { villageId: XIMEN, lat: HERE.lat + 0.01, lng: HERE.lng }),
      open('other-category', { category: 'labour_dispute' }),
      open('closed', { status: 'closed' }),
      open('already-a-duplicate', { duplicateOf: 'same-village' }),
      open('too-old', { receivedAt: now - (DUPLICATE_RULE.withinDays + 1) * DAY }),
      open('itself'),
    ];
    const found = similarCases({ category: 'neighbour_dispute', villageId: DONGMEN, ...HERE }, cases, now, new Set(['itself']));
    expect(found.map((c) => c.id)).toEqual(['near-other-village', 'same-village']);
    expect(found[0]?.similarity).toEqual({ sameVillage: false, metres: expect.closeTo(111, 0) });
    expect(found[1]?.similarity).toEqual({ sameVillage: true, metres: null });
  });

  it('without coordinates, only the same village counts', () => {
    const found = similarCases({ category: 'neighbour_dispute', villageId: XIMEN }, [open('a'), open('b', { villageId: XIMEN })], now);
    expect(found.map((c) => c.id)).toEqual(['b']);
  });
});

describe('linking a duplicate', () => {
  const complainant = person('p-res', 'resident', DONGMEN);
  const original = (overrides: Partial<OriginalCase> = {}): OriginalCase => ({ caseId: 'case_aaaaaaaaaaaaaaaaaaaaaaaa', caseNumber: 'ZZ-20261125-000009', status: 'open', duplicateOf: null, visible: true, ...overrides });

  it('links only to an open case the person may see, not to itself nor to its own duplicate', () => {
    const self = 'case_0123456789';
    expect(duplicateLinkCheck(self, original())).toEqual({ ok: true });
    expect(duplicateLinkCheck(self, null)).toMatchObject({ code: 'invalid', reason: expect.stringContaining('originalCaseId') });
    expect(duplicateLinkCheck(self, original({ visible: false }))).toMatchObject({ code: 'invalid', reason: expect.stringContaining('no such case') });
    expect(duplicateLinkCheck(self, original({ caseId: self }))).toMatchObject({ code: 'invalid', reason: expect.stringContaining('itself') });
    expect(duplicateLinkCheck(self, original({ duplicateOf: self }))).toMatchObject({ code: 'invalid', reason: expect.stringContaining('already a duplicate of this one') });
    expect(duplicateLinkCheck(self, original({ status: 'closed' }))).toMatchObject({ code: 'invalid', reason: expect.stringContaining('closed') });
  });

  it('is the officers’ decision: a mediator at the front desk and the complainant may not', () => {
    const w = new CaseWalk({ category: 'neighbour_dispute', centreId: DONGMEN, complainantId: complainant.personId });
    expect(allowedActions(w.state, ownerAdmin(w.state), w.now)).toContain('mark_duplicate');
    const action = { type: 'mark_duplicate' as const, originalCaseId: 'case_aaaaaaaaaaaaaaaaaaaaaaaa' };
    expect(checkAction(w.state, action, complainant, w.now)).toMatchObject({ code: 'forbidden' });
    expect(checkAction(w.state, action, person('p-med', 'mediator', DONGMEN), w.now)).toMatchObject({ code: 'forbidden' });
  });

  it('closes the duplicate with a pointer, without feedback, tells its complainant, and the workflow may end', () => {
    const w = new CaseWalk({ category: 'neighbour_dispute', centreId: DONGMEN, complainantId: complainant.personId });
    w.act({ type: 'accept' }, ownerAdmin(w.state));
    const transition = w.act({ type: 'mark_duplicate', originalCaseId: 'case_aaaaaaaaaaaaaaaaaaaaaaaa', reason: 'same noise', original: original() }, ownerAdmin(w.state));
    expect(w.state).toMatchObject({ stage: 'closed', status: 'closed', feedbackStatus: null, reopenUntil: null, duplicateOf: { caseId: 'case_aaaaaaaaaaaaaaaaaaaaaaaa', caseNumber: 'ZZ-20261125-000009' } });
    expect(isFinished(w.state, w.now)).toBe(true);
    const event = transition.events[0];
    expect(event).toMatchObject({ type: 'marked_duplicate', detail: { originalCaseId: 'case_aaaaaaaaaaaaaaaaaaaaaaaa', originalCaseNumber: 'ZZ-20261125-000009', reason: 'same noise' } });
    const told = notificationsFor(event as NonNullable<typeof event>, w.state);
    expect(told).toEqual([expect.objectContaining({ kind: 'case_duplicate', recipient: 'person:p-res', message: { zh: expect.stringContaining('ZZ-20261125-000009'), en: expect.stringContaining('ZZ-20261125-000009') } })]);
    // Nothing more can be done to it, not even a reopen: its problem is the original's.
    expect(allowedActions(w.state, complainant, w.now)).toEqual([]);
  });
});

describe('the dashboard keeps counts honest', () => {
  const counted = (id: string, overrides: Partial<CountedCase> = {}): CountedCase => ({
    id, caseNumber: `N-${id}`, stage: 'closed', status: 'closed', centreId: DONGMEN, level: 'village', risk: 'low', deadline: null, overdue: false, receivedAt: T0 - DAY, closedAt: T0, rating: 5, breached: false, breachedBy: [], unansweredOrders: [], ...overrides,
  });

  it('counts a duplicate apart: not closed, not in time to close or on time, not in satisfaction, not by stage', () => {
    const counts = countDashboard([counted('resolved'), counted('dup', { rating: null, closedAt: T0 - DAY + 60_000, breached: true, duplicateOf: 'resolved' }), counted('old-entry', { duplicateOf: undefined })], (id) => id === DONGMEN, T0);
    expect(counts.closed).toBe(2);
    expect(counts.duplicates).toBe(1);
    expect(counts.byStage.closed).toBe(2);
    expect(counts.closedOnTimeShare).toBe(1);
    expect(counts.medianTimeToCloseMs).toBe(DAY);
    expect(counts.satisfaction).toMatchObject({ rated: 2, average: 5 });
  });
});

describe('the tile server', () => {
  it('is one setting with its attribution; its origin goes into img-src, a server letter widened', () => {
    expect(loadConfig({}).mapTiles).toBeUndefined();
    const config = loadConfig({ ONEDOOR_MAP_TILES_URL: 'https://{s}.tiles.example.gov.cn/base/{z}/{x}/{y}.png', ONEDOOR_MAP_ATTRIBUTION: '© Example' });
    expect(config.mapTiles).toEqual({ url: 'https://{s}.tiles.example.gov.cn/base/{z}/{x}/{y}.png', attribution: '© Example', maxZoom: 18 });
    expect(tileImageSource(config.mapTiles?.url ?? '')).toBe('https://*.tiles.example.gov.cn');
    expect(tileImageSource('http://127.0.0.1:4100/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:4100');
    expect(() => loadConfig({ ONEDOOR_MAP_TILES_URL: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png' })).toThrow(/ONEDOOR_MAP_ATTRIBUTION must be set/);
    expect(() => loadConfig({ ONEDOOR_MAP_TILES_URL: 'ftp://tiles/x.png', ONEDOOR_MAP_ATTRIBUTION: 'x' })).toThrow(/ONEDOOR_MAP_TILES_URL must be/);
  });
});

/**
 * Places and likely duplicates: the maps' settings, the staff map of open cases, and the
 * similar open cases of a report or a case. Reads come from the process's copy of
 * case_index, filtered by the lists' own filter and visibility rule.
 */
import { CENTRE_POSITIONS, isOverdueAt, placeOfCase, SERVED_REGION, type Level } from '../../domain';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import { caseParamsSchema } from '../cases/schemas';
import { findVisibleCase, seeingOf } from '../cases/queries';
import { caseFilterOf } from '../cases/search';
import { readsOtherCases, similarFor } from './duplicates';
import { mapCasesSchema, mapQuerySchema, mapSettingsSchema, similarCasesSchema, similarQuerySchema, type MapCases, type MapSettings } from './schemas';
import type { Config } from '../../config';

const TAGS = ['places'];
/** Markers drawn on one map at most; the answer says how many matched. */
const MAP_LIMIT = 5_000;

const STAFF_ONLY = { zh: '案件地图和相似案件仅供中心工作人员查看。', en: 'The case map and similar cases are for centre staff.' };

function requireStaff(caller: Caller): void {
  if (!readsOtherCases(caller)) throw problems.forbidden('For centre staff only', STAFF_ONLY);
}

export function mapSettings(config: Config, centres: { id: string; level: Level }[]): MapSettings {
  return {
    tiles: config.mapTiles ? { url: config.mapTiles.url, attribution: config.mapTiles.attribution, maxZoom: config.mapTiles.maxZoom } : null,
    region: { ...SERVED_REGION },
    centres: centres.flatMap((c) => {
      const at = CENTRE_POSITIONS[c.id];
      return at ? [{ id: c.id, level: c.level, lat: at.lat, lng: at.lng }] : [];
    }),
  };
}

export function placesRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/map',
      summary: 'Map settings: the tile server (if any), its attribution, the region served and where the centres sit',
      tags: TAGS,
      auth: 'none',
      responses: { 200: { description: 'The settings', schema: mapSettingsSchema } },
      async handler(_req, res) {
        const centres = await ctx.centres.all();
        res.json(mapSettings(ctx.config, [...centres.values()].filter((c) => c.closedAt === null)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/map/cases',
      summary: "The open cases of the caller's area with their places, for the staff map",
      tags: TAGS,
      auth: 'required',
      query: mapQuerySchema,
      responses: { 200: { description: 'Open cases with their places', schema: mapCasesSchema }, 403: { description: 'Not centre staff' } },
      async handler(req, res, { query }) {
        const caller = callerOf(req);
        requireStaff(caller);
        const now = Date.now();
        const answer: MapCases = { items: [], total: 0, unplaced: 0 };
        const filter = caseFilterOf({ ...query, status: 'open' }, caller);
        const { entries } = await ctx.reads.search(filter, await seeingOf(ctx, caller), now, { skip: 0, limit: null });
        for (const entry of entries) {
          answer.total += 1;
          const place = placeOfCase(entry);
          if (!place) {
            answer.unplaced += 1;
            continue;
          }
          if (answer.items.length >= MAP_LIMIT) continue;
          answer.items.push({
            id: entry.id,
            caseNumber: entry.caseNumber,
            title: entry.title,
            category: entry.category,
            stage: entry.stage,
            risk: entry.risk,
            overdue: isOverdueAt(entry, now),
            centreId: entry.centreId,
            villageId: entry.villageId ?? null,
            lat: place.lat,
            lng: place.lng,
            approximate: place.approximate,
          });
        }
        res.json(answer);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/similar-cases',
      summary: 'Open cases like a report about to be filed (same category, same village or close by, received recently); residents learn only whether there are any',
      tags: TAGS,
      auth: 'required',
      body: similarQuerySchema,
      responses: { 200: { description: 'Similar open cases', schema: similarCasesSchema } },
      async handler(req, res, { body }) {
        res.json(await similarFor(ctx, callerOf(req), { category: body.category, villageId: body.centreId, lat: body.lat ?? null, lng: body.lng ?? null }));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/similar',
      summary: 'Open cases like this one that it may be a duplicate of (centre staff who can see the case)',
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: { 200: { description: 'Similar open cases', schema: similarCasesSchema }, 403: { description: 'Not centre staff' }, 404: { description: 'No such case, or not one the caller may see' } },
      async handler(req, res, { params }) {
        const caller = callerOf(req);
        requireStaff(caller);
        const doc = await findVisibleCase(ctx, caller, params.id);
        // Not itself, and not the reports already closed as its duplicates.
        const exclude = new Set([doc._id, ...(await ctx.reads.duplicatesOf(doc._id)).map((e) => e.id)]);
        const report = { category: doc.category, villageId: doc.location.centreId, lat: doc.location.lat ?? null, lng: doc.location.lng ?? null };
        res.json(await similarFor(ctx, caller, report, exclude));
      },
    }),
  ];
}

import { z } from '../zod';
import { CATEGORY_CODES, LEVELS, RISKS, STAGES } from '../../domain';
import { idField } from '../../domain/actions';

const isoDate = z.string().openapi({ format: 'date-time' });
const point = { lat: z.number(), lng: z.number() };

/** What the web UI's maps need: the tile server (or none: a plain background offline), the region, the centres' places. */
export const mapSettingsSchema = z
  .object({
    tiles: z
      .object({
        url: z.string().openapi({ description: 'A tile URL template with {z}, {x} and {y} (and optionally {s})' }),
        attribution: z.string().openapi({ description: 'The credit the tile provider asks for, shown on every map' }),
        maxZoom: z.number().int(),
      })
      .nullable()
      .openapi({ description: 'null: no tile server is configured; maps draw a plain background with the centres' }),
    region: z.object({ south: z.number(), west: z.number(), north: z.number(), east: z.number() }).openapi({ description: 'The area the city serves; positions outside it are refused' }),
    centres: z.array(z.object({ id: z.string(), level: z.enum(LEVELS), ...point })).openapi({ description: 'Where each centre sits, for markers and for cases reported without coordinates' }),
  })
  .openapi('MapSettings');
export type MapSettings = z.output<typeof mapSettingsSchema>;

const boolString = z.enum(['true', 'false']).transform((value) => value === 'true');

export const mapQuerySchema = z.strictObject({
  stage: z.enum(STAGES).optional(),
  risk: z.enum(RISKS).optional(),
  category: z.enum(CATEGORY_CODES).optional(),
  overdue: boolString.optional(),
});

export const mapCasesSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        caseNumber: z.string(),
        title: z.string(),
        category: z.enum(CATEGORY_CODES),
        stage: z.enum(STAGES),
        risk: z.enum(RISKS),
        overdue: z.boolean(),
        centreId: z.string(),
        villageId: z.string().nullable(),
        ...point,
        approximate: z.boolean().openapi({ description: 'true: reported without coordinates, drawn at its village' }),
      }),
    ),
    total: z.number().int().openapi({ description: 'Open cases that match, placed or not' }),
    unplaced: z.number().int().openapi({ description: 'Of them, those with no coordinates and a village of unknown place' }),
  })
  .openapi('MapCases');
export type MapCases = z.output<typeof mapCasesSchema>;

/** A report not yet filed: what the duplicate rule compares. */
export const similarQuerySchema = z
  .strictObject({
    category: z.enum(CATEGORY_CODES),
    centreId: idField().openapi({ description: 'The village or community it would be filed to' }),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  })
  .openapi('SimilarQuery');

export const similarCasesSchema = z
  .object({
    exist: z.boolean().openapi({ description: 'Open cases of the same category were received recently in the same village or close by' }),
    rule: z.object({ withinMetres: z.number(), withinDays: z.number() }),
    items: z
      .array(
        z.object({
          id: z.string(),
          caseNumber: z.string(),
          title: z.string(),
          category: z.enum(CATEGORY_CODES),
          stage: z.enum(STAGES),
          centreId: z.string(),
          villageId: z.string().nullable(),
          receivedAt: isoDate,
          sameVillage: z.boolean(),
          metres: z.number().nullable().openapi({ description: 'How far apart, when both have coordinates' }),
        }),
      )
      .openapi({ description: 'For centre staff, the cases they may see; empty for everyone else, who learn only that similar reports exist' }),
  })
  .openapi('SimilarCases');
export type SimilarCases = z.output<typeof similarCasesSchema>;

/**
 * What intake knows of a case beyond its lifecycle state: the report as the complainant
 * gave it. The workflow receives it once, the opening write stores it beside the state.
 */

import type { LocationSource } from './places';

/** How a report reached the centre. */
export const CHANNELS = ['app', 'grid', 'walk_in', 'hotline', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface IntakeDetails {
  title: string;
  description: string;
  channel: Channel;
  location: { centreId: string; address: string; lat?: number | null; lng?: number | null; accuracy?: number | null; source?: LocationSource | null };
  complainant: { personId: string; name: string; phone: string };
  parties: { name: string; role: string }[];
  affectedCount: number | null;
  /** A link to a picture of the problem, as an Open311 client sent it (`media_url`). */
  mediaUrl?: string | null;
}

/** The report as a case stores it: places and people with nothing left out, the phone also masked. */
export interface StoredIntake {
  title: string;
  description: string;
  channel: Channel;
  /** The place reported; `accuracy` (metres) and `source` say how its coordinates were found (cases filed before them lack both). */
  location: { centreId: string; address: string; lat: number | null; lng: number | null; accuracy?: number | null; source?: LocationSource | null };
  complainant: { personId: string; name: string; phone: string; phoneMasked: string };
  parties: { name: string; role: string }[];
  affectedCount: number | null;
  /** Open311's `media_url`; absent on cases reported without one. */
  mediaUrl?: string | null;
}

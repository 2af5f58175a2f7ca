/**
 * Where things are: the region the city serves, the distance between two points, and
 * where each seeded centre sits (so a map without tiles still shows the villages and
 * towns, and a case reported without coordinates can be drawn at its village). Pure.
 *
 * Coordinates are personal data for a dispute (they point at a home): they live on the
 * case, are shown to its staff, and never reach logs, audit records, Temporal metadata
 * or public reads (privacy.ts).
 */

export interface LatLng {
  lat: number;
  lng: number;
}

/** How a position was found: the phone's location service, or a pin the person dropped on the map. */
export const LOCATION_SOURCES = ['device', 'pin'] as const;
export type LocationSource = (typeof LOCATION_SOURCES)[number];

/** The region the city's centres serve (Zhangzhou, with a margin): a report outside it is a mistake. */
export const SERVED_REGION = { south: 23.4, west: 116.8, north: 25.3, east: 118.3 } as const;

export function isInServedRegion(point: LatLng): boolean {
  return point.lat >= SERVED_REGION.south && point.lat <= SERVED_REGION.north && point.lng >= SERVED_REGION.west && point.lng <= SERVED_REGION.east;
}

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine): ample for "a few hundred metres apart". */
export function distanceMetres(a: LatLng, b: LatLng): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A point when both coordinates are there, else null (a report may come without one). */
export function pointOf(place: { lat?: number | null; lng?: number | null }): LatLng | null {
  return typeof place.lat === 'number' && typeof place.lng === 'number' ? { lat: place.lat, lng: place.lng } : null;
}

/**
 * Where the seeded centres sit (each office, roughly): the map's markers when it has no
 * tiles, and the place of a case reported without coordinates. A centre added later has
 * none until one is added here; the map then leaves it out.
 */
export const CENTRE_POSITIONS: Readonly<Record<string, LatLng>> = {
  zz: { lat: 24.513, lng: 117.647 },
  'zz-xiangcheng': { lat: 24.51, lng: 117.654 },
  'zz-xiangcheng-punan': { lat: 24.612, lng: 117.665 },
  'zz-xiangcheng-punan-punan': { lat: 24.615, lng: 117.669 },
  'zz-xiangcheng-punan-xiyuan': { lat: 24.6, lng: 117.68 },
  'zz-longwen': { lat: 24.503, lng: 117.71 },
  'zz-longwen-chaoyang': { lat: 24.47, lng: 117.76 },
  'zz-longwen-chaoyang-chaoyang': { lat: 24.473, lng: 117.763 },
  'zz-longwen-chaoyang-beidou': { lat: 24.481, lng: 117.749 },
  'zz-longhai': { lat: 24.447, lng: 117.818 },
  'zz-longhai-haicheng': { lat: 24.41, lng: 117.84 },
  'zz-longhai-haicheng-heping': { lat: 24.404, lng: 117.834 },
  'zz-longhai-haicheng-xiangyang': { lat: 24.416, lng: 117.846 },
  'zz-longhai-shima': { lat: 24.446, lng: 117.823 },
  'zz-longhai-shima-nanmen': { lat: 24.441, lng: 117.82 },
  'zz-changtai': { lat: 24.625, lng: 117.759 },
  'zz-changtai-wuan': { lat: 24.62, lng: 117.752 },
  'zz-changtai-wuan-chengguan': { lat: 24.628, lng: 117.761 },
  'zz-yunxiao': { lat: 23.958, lng: 117.34 },
  'zz-yunxiao-yunling': { lat: 23.955, lng: 117.335 },
  'zz-yunxiao-yunling-chengnei': { lat: 23.952, lng: 117.343 },
  'zz-zhangpu': { lat: 24.117, lng: 117.614 },
  'zz-zhangpu-suian': { lat: 24.113, lng: 117.61 },
  'zz-zhangpu-suian-chengdong': { lat: 24.12, lng: 117.623 },
  'zz-zhaoan': { lat: 23.711, lng: 117.175 },
  'zz-zhaoan-nanzhao': { lat: 23.708, lng: 117.171 },
  'zz-zhaoan-nanzhao-beiguan': { lat: 23.718, lng: 117.177 },
  'zz-dongshan': { lat: 23.702, lng: 117.43 },
  'zz-dongshan-tongling': { lat: 23.747, lng: 117.522 },
  'zz-dongshan-tongling-fengdong': { lat: 23.744, lng: 117.527 },
  'zz-nanjing': { lat: 24.515, lng: 117.357 },
  'zz-nanjing-shancheng': { lat: 24.52, lng: 117.362 },
  'zz-nanjing-shancheng-liuan': { lat: 24.531, lng: 117.349 },
  'zz-nanjing-shancheng-yanta': { lat: 24.509, lng: 117.366 },
  'zz-nanjing-shancheng-cuimei': { lat: 24.524, lng: 117.374 },
  'zz-nanjing-shuyang': { lat: 24.62, lng: 117.08 },
  'zz-nanjing-shuyang-tianluokeng': { lat: 24.589, lng: 117.06 },
  'zz-pinghe': { lat: 24.363, lng: 117.314 },
  'zz-pinghe-xiaoxi': { lat: 24.369, lng: 117.317 },
  'zz-pinghe-xiaoxi-dongmen': { lat: 24.366, lng: 117.323 },
  'zz-pinghe-xiaoxi-ximen': { lat: 24.365, lng: 117.309 },
  'zz-pinghe-xiaoxi-xinqiao': { lat: 24.376, lng: 117.331 },
  'zz-pinghe-banzai': { lat: 24.44, lng: 117.35 },
  'zz-pinghe-banzai-baonan': { lat: 24.446, lng: 117.356 },
  'zz-huaan': { lat: 25.004, lng: 117.534 },
  'zz-huaan-huafeng': { lat: 25.0, lng: 117.53 },
  'zz-huaan-huafeng-huafeng': { lat: 25.008, lng: 117.541 },
  'zz-tiz': { lat: 24.51, lng: 117.83 },
  'zz-tiz-jiaomei': { lat: 24.525, lng: 117.83 },
  'zz-tiz-jiaomei-shicuo': { lat: 24.507, lng: 117.846 },
  'zz-tiz-jiaomei-liuchuan': { lat: 24.52, lng: 117.818 },
  'zz-tiz-jiaomei-dongmei': { lat: 24.536, lng: 117.841 },
};

/** Where a case is drawn: its own coordinates, or else its village's office (marked as approximate). */
export function placeOfCase(c: { lat?: number | null; lng?: number | null; villageId?: string | null }): (LatLng & { approximate: boolean }) | null {
  const own = pointOf(c);
  if (own) return { ...own, approximate: false };
  const village = c.villageId ? CENTRE_POSITIONS[c.villageId] : undefined;
  return village ? { ...village, approximate: true } : null;
}

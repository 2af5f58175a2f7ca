/** A reported position's rules beyond each field's range: both coordinates or none, inside the city. */
import { isInServedRegion } from '../../domain/places';

export function locationIssues(place: { lat?: number | undefined; lng?: number | undefined; accuracy?: number | undefined; source?: string | undefined }): { field: string; reason: string }[] {
  const hasLat = place.lat !== undefined;
  const hasLng = place.lng !== undefined;
  if (hasLat !== hasLng) return [{ field: hasLat ? 'lng' : 'lat', reason: 'give both lat and lng, or neither' }];
  if (!hasLat) return place.accuracy !== undefined || place.source !== undefined ? [{ field: 'lat', reason: 'accuracy and source describe a position: give lat and lng too' }] : [];
  if (!isInServedRegion({ lat: place.lat as number, lng: place.lng as number })) return [{ field: 'lat', reason: 'this position lies outside the area the city serves' }];
  return [];
}

/**
 * Maps (Leaflet): the tile server the deployment configures, or, with none, a plain
 * background drawn in the browser with the centres marked, so maps work offline. Every
 * map credits its tiles. Nothing here writes inline styles into HTML (the page's
 * Content-Security-Policy allows none): markers are classes, labels are text nodes.
 */
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import 'leaflet.markercluster/dist/MarkerCluster.Default.css';
import './places.css';
import L from './leaflet-global';
import 'leaflet.markercluster';
import { useEffect, useRef } from 'preact/hooks';
import type { MapSettings } from '../../src/api/views';
import { api } from './api';
import { useApp, useLoad } from './app';

let settingsOnce: Promise<MapSettings> | null = null;

/** The map settings, read once per page load. */
export function useMapSettings() {
  return useLoad(() => (settingsOnce ??= api<MapSettings>('GET', '/api/v1/map', { auth: false }).catch((error: unknown) => {
    settingsOnce = null;
    throw error;
  })), []);
}

/** A plain background drawn on canvases: no network, no images. */
const OfflineBackground: new (options: L.GridLayerOptions) => L.GridLayer = L.GridLayer.extend({
  createTile(this: L.GridLayer): HTMLCanvasElement {
    const tile = document.createElement('canvas');
    const size = this.getTileSize();
    tile.width = size.x;
    tile.height = size.y;
    const g = tile.getContext('2d');
    if (g) {
      g.fillStyle = '#eef2ea';
      g.fillRect(0, 0, size.x, size.y);
      g.strokeStyle = '#dde4d6';
      g.strokeRect(0.5, 0.5, size.x - 1, size.y - 1);
    }
    return tile;
  },
});

export interface MapOptions {
  /** Draw each centre (always, when there are no tiles). */
  centres?: boolean;
}

/** A Leaflet map in `element` with the configured background, the region outlined, and its attribution. */
export function createMap(element: HTMLElement, settings: MapSettings, centreName: (id: string) => string, options: MapOptions = {}): L.Map {
  const { region } = settings;
  const bounds = L.latLngBounds([region.south, region.west], [region.north, region.east]);
  const map = L.map(element, { maxBounds: bounds.pad(0.2), minZoom: 7, zoomControl: true, attributionControl: true });
  map.attributionControl.setPrefix('Leaflet');
  if (settings.tiles) {
    L.tileLayer(settings.tiles.url, { attribution: settings.tiles.attribution, maxZoom: settings.tiles.maxZoom }).addTo(map);
  } else {
    new OfflineBackground({ maxZoom: 18, attribution: 'onedoor' }).addTo(map);
  }
  L.rectangle(bounds, { color: '#90a4ae', weight: 1, fill: false, dashArray: '4 4', interactive: false }).addTo(map);
  if (options.centres || !settings.tiles) {
    for (const centre of settings.centres) {
      if (centre.level !== 'village' && centre.level !== 'town') continue;
      const dot = L.circleMarker([centre.lat, centre.lng], { radius: centre.level === 'town' ? 6 : 4, color: centre.level === 'town' ? '#1565c0' : '#2e7d32', weight: 1, fillOpacity: 0.6, interactive: false });
      dot.bindTooltip(textNode(centreName(centre.id)), { permanent: true, direction: 'right', className: `centre-label centre-${centre.level}`, offset: [6, 0] });
      dot.addTo(map);
    }
    // Labels only once the map is close enough to read them.
    const labels = () => element.classList.toggle('labels-hidden', map.getZoom() < 11);
    map.on('zoomend', labels);
    map.whenReady(labels);
  }
  map.fitBounds(bounds);
  return map;
}

export function textNode(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

/** A marker drawn by CSS: `pin` plus the classes given. */
export function pinIcon(classes: string): L.DivIcon {
  return L.divIcon({ className: `pin ${classes}`, iconSize: [18, 18], iconAnchor: [9, 9], html: '' });
}

export { L };

/** A small map that shows one point (a case's place). */
export function PointMap(props: { lat: number; lng: number; approximate?: boolean; testid?: string }) {
  const { centreName } = useApp();
  const settings = useMapSettings();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current || !settings.data) return;
    const map = createMap(ref.current, settings.data, centreName);
    L.marker([props.lat, props.lng], { icon: pinIcon(props.approximate ? 'approximate' : 'exact'), keyboard: false }).addTo(map);
    map.setView([props.lat, props.lng], props.approximate ? 14 : 16);
    return () => map.remove();
  }, [settings.data, props.lat, props.lng, props.approximate]);
  return <div class="map small-map" ref={ref} data-testid={props.testid ?? 'point-map'} />;
}

/**
 * Leaflet, loaded before leaflet.markercluster: the plugin extends the global `L` that
 * Leaflet's own build sets, so this module must be evaluated first (imports run in order).
 */
import L from 'leaflet';

export default L;

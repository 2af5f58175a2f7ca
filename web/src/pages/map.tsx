/** The staff map: the open cases of the reader's area, clustered, filtered by stage, risk and category; a click opens the case. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MapCases } from '../../../src/api/views';
import { api, RISKS, STAGES } from '../api';
import { ErrorBanner, navigate, useApp, useLoad } from '../app';
import { createMap, L, pinIcon, textNode, useMapSettings } from '../map';

const OPEN_STAGES = STAGES.filter((stage) => stage !== 'closed');

export function MapPage() {
  const { t, name, categories, centreName } = useApp();
  const [stage, setStage] = useState('');
  const [risk, setRisk] = useState('');
  const [category, setCategory] = useState('');
  const settings = useMapSettings();
  const cases = useLoad(() => api<MapCases>('GET', '/api/v1/map/cases', { query: { stage: stage || undefined, risk: risk || undefined, category: category || undefined } }), [stage, risk, category]);
  const ref = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const clusterRef = useRef<L.MarkerClusterGroup | null>(null);

  useEffect(() => {
    if (!ref.current || !settings.data) return;
    const map = createMap(ref.current, settings.data, centreName);
    mapRef.current = map;
    clusterRef.current = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 }).addTo(map);
    return () => {
      map.remove();
      mapRef.current = null;
      clusterRef.current = null;
    };
  }, [settings.data]);

  useEffect(() => {
    const map = mapRef.current;
    const cluster = clusterRef.current;
    if (!map || !cluster || !cases.data) return;
    cluster.clearLayers();
    const markers = cases.data.items.map((item) => {
      const marker = L.marker([item.lat, item.lng], { icon: pinIcon(`risk-${item.risk}${item.overdue ? ' overdue' : ''}${item.approximate ? ' approximate' : ''}`), title: item.caseNumber });
      const label = `${item.caseNumber} · ${item.title} · ${t(`stage.${item.stage}`)}${item.approximate ? ` · ${t('map.approx')}` : ''}`;
      marker.bindTooltip(textNode(label), { direction: 'top', offset: [0, -8] });
      marker.on('click', () => navigate(`/cases/${item.id}`));
      const element = () => marker.getElement()?.setAttribute('data-case', item.id);
      marker.on('add', element);
      return marker;
    });
    cluster.addLayers(markers);
    if (markers.length > 0) map.fitBounds(cluster.getBounds().pad(0.3), { maxZoom: 15 });
  }, [cases.data, settings.data, mapRef.current]);

  return (
    <div class="card" data-testid="map-page">
      <h1>{t('map.title')}</h1>
      <p class="muted">{t('map.intro')}</p>
      <div class="filters row3">
        <label>
          <span class="label">{t('case.stage')}</span>
          <select name="stage" value={stage} onChange={(ev) => setStage(ev.currentTarget.value)}>
            <option value="">{t('map.all')}</option>
            {OPEN_STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`stage.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="label">{t('field.risk')}</span>
          <select name="risk" value={risk} onChange={(ev) => setRisk(ev.currentTarget.value)}>
            <option value="">{t('map.all')}</option>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {t(`risk.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="label">{t('field.category')}</span>
          <select name="category" value={category} onChange={(ev) => setCategory(ev.currentTarget.value)}>
            <option value="">{t('map.all')}</option>
            {categories.map((c) => (
              <option key={c.code} value={c.code}>
                {name(c.name)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {cases.error !== null && <ErrorBanner error={cases.error} onRetry={cases.reload} />}
      {settings.error !== null && <ErrorBanner error={settings.error} />}
      {cases.data && (
        <p data-testid="map-count">
          {t('map.count', { n: cases.data.total })}
          {cases.data.unplaced > 0 && ` · ${t('map.unplaced', { n: cases.data.unplaced })}`}
        </p>
      )}
      <div class="map staff-map" ref={ref} data-testid="case-map" />
      {settings.data && !settings.data.tiles && <p class="muted small" data-testid="map-offline">{t('map.offline')}</p>}
    </div>
  );
}

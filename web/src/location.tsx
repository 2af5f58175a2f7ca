/**
 * Where the problem is, on the report form: the phone's location, asked for only after
 * the person agrees, or a pin they drop on the map; both optional, both removable.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MapSettings, SimilarCases } from '../../src/api/views';
import { api } from './api';
import { formatDate, useApp } from './app';
import { createMap, L, pinIcon, useMapSettings } from './map';

export interface ReportedLocation {
  lat: number;
  lng: number;
  accuracy?: number;
  source: 'device' | 'pin';
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;

function inRegion(settings: MapSettings | null, lat: number, lng: number): boolean {
  const r = settings?.region;
  return !r || (lat >= r.south && lat <= r.north && lng >= r.west && lng <= r.east);
}

export function LocationPicker(props: { value: ReportedLocation | null; onChange(next: ReportedLocation | null): void; villageId: string; error?: string | undefined }) {
  const { t } = useApp();
  const settings = useMapSettings();
  const [asking, setAsking] = useState(false);
  const [locating, setLocating] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [pinning, setPinning] = useState(false);
  const value = props.value;

  const locate = () => {
    setAsking(false);
    setProblem(null);
    if (!('geolocation' in navigator)) {
      setProblem(t('loc.denied'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        const { latitude, longitude, accuracy } = position.coords;
        if (!inRegion(settings.data, latitude, longitude)) {
          setProblem(t('loc.outside'));
          setPinning(true);
          return;
        }
        props.onChange({ lat: round(latitude), lng: round(longitude), accuracy: Math.round(accuracy), source: 'device' });
      },
      () => {
        setLocating(false);
        setProblem(t('loc.denied'));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <div class="location" data-testid="location">
      <span class="label">
        {t('loc.title')} <span class="muted">{t('field.optional')}</span>
      </span>
      <p class="hint">{t('loc.private')}</p>
      {value ? (
        <p data-testid="location-set" class="location-set">
          {value.source === 'device'
            ? t('loc.device', { lat: value.lat, lng: value.lng, a: value.accuracy ?? '?' })
            : t('loc.pinned', { lat: value.lat, lng: value.lng })}
        </p>
      ) : (
        <p class="muted small" data-testid="location-none">
          {t('loc.none')}
        </p>
      )}
      {props.error && (
        <div class="field-error" role="alert" data-testid="error-location">
          {t('loc.outside')}
        </div>
      )}
      {problem && (
        <div class="banner warn" role="status" data-testid="location-problem">
          {problem}
        </div>
      )}
      {asking && (
        <div class="consent" role="dialog" aria-live="polite" data-testid="location-consent">
          <p>{t('loc.consent')}</p>
          <div class="buttons">
            <button type="button" class="primary" data-testid="location-agree" onClick={locate}>
              {t('loc.agree')}
            </button>
            <button type="button" data-testid="location-decline" onClick={() => setAsking(false)}>
              {t('loc.decline')}
            </button>
          </div>
        </div>
      )}
      <div class="buttons">
        <button type="button" data-testid="location-device" disabled={locating} onClick={() => setAsking(true)}>
          {locating ? t('loc.locating') : t('loc.useDevice')}
        </button>
        <button type="button" data-testid="location-pin" onClick={() => setPinning(!pinning)} class={pinning ? 'primary' : ''}>
          {t('loc.pin')}
        </button>
        {value && (
          <button type="button" class="link" data-testid="location-clear" onClick={() => props.onChange(null)}>
            {t('loc.clear')}
          </button>
        )}
      </div>
      {(pinning || value) && settings.data && <PinMap settings={settings.data} value={value} villageId={props.villageId} onPin={(lat, lng) => props.onChange({ lat: round(lat), lng: round(lng), source: 'pin' })} pinning={pinning} />}
      {pinning && <p class="hint">{t('loc.pinHint')}</p>}
    </div>
  );
}

function PinMap(props: { settings: MapSettings; value: ReportedLocation | null; villageId: string; pinning: boolean; onPin(lat: number, lng: number): void }) {
  const { centreName } = useApp();
  const ref = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const markerRef = useRef<L.Marker | null>(null);
  const onPin = useRef(props.onPin);
  onPin.current = props.onPin;
  const pinning = useRef(props.pinning);
  pinning.current = props.pinning;

  useEffect(() => {
    if (!ref.current) return;
    const map = createMap(ref.current, props.settings, centreName, { centres: true });
    mapRef.current = map;
    map.on('click', (event: L.LeafletMouseEvent) => {
      if (pinning.current && inRegion(props.settings, event.latlng.lat, event.latlng.lng)) onPin.current(event.latlng.lat, event.latlng.lng);
    });
    return () => {
      map.remove();
      mapRef.current = null;
      markerRef.current = null;
    };
  }, [props.settings]);

  // Start at the chosen village, or at the point already set.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const village = props.settings.centres.find((c) => c.id === props.villageId);
    if (props.value) map.setView([props.value.lat, props.value.lng], Math.max(map.getZoom(), 15));
    else if (village) map.setView([village.lat, village.lng], 15);
  }, [props.villageId, props.value === null]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const value = props.value;
    if (!value) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    if (!markerRef.current) {
      const marker = L.marker([value.lat, value.lng], { icon: pinIcon('exact'), draggable: true });
      marker.on('dragend', () => {
        const at = marker.getLatLng();
        onPin.current(at.lat, at.lng);
      });
      markerRef.current = marker.addTo(map);
    } else markerRef.current.setLatLng([value.lat, value.lng]);
  }, [props.value?.lat, props.value?.lng]);

  return <div class="map pin-map" ref={ref} data-testid="pin-map" />;
}

/** "Similar open cases" before a report is sent: residents learn only that some exist; staff see which. */
export function SimilarBeforeFiling(props: { category: string; villageId: string; location: ReportedLocation | null }) {
  const { t, lang, centreName } = useApp();
  const [found, setFound] = useState<SimilarCases | null>(null);
  const { category, villageId, location } = props;
  useEffect(() => {
    if (!category || !villageId) {
      setFound(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      const body = { category, centreId: villageId, ...(location ? { lat: location.lat, lng: location.lng } : {}) };
      api<SimilarCases>('POST', '/api/v1/similar-cases', { body })
        .then((answer) => live && setFound(answer))
        .catch(() => live && setFound(null));
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [category, villageId, location?.lat, location?.lng]);
  if (!found?.exist) return null;
  return (
    <div class="banner info similar" role="status" data-testid="similar-before-filing">
      {found.items.length === 0 ? (
        <p data-testid="similar-resident">{t('similar.resident')}</p>
      ) : (
        <>
          <strong>{t('similar.title')}</strong>
          <p class="muted small">{t('similar.rule', { m: found.rule.withinMetres, d: found.rule.withinDays })}</p>
          <ul data-testid="similar-list">
            {found.items.map((item) => (
              <li key={item.id} data-testid="similar-item">
                <a href={`/cases/${item.id}`} target="_blank" rel="noopener">
                  {item.caseNumber}
                </a>{' '}
                {item.title}{' '}
                <span class="muted small">
                  · {t(`stage.${item.stage}`)} · {item.sameVillage ? t('similar.sameVillage') : centreName(item.villageId)}
                  {item.metres !== null && ` · ${t('similar.metres', { m: item.metres })}`} · {t('similar.received', { t: formatDate(item.receivedAt, lang) })}
                </span>
              </li>
            ))}
          </ul>
          <p class="small">{t('similar.staffHint')}</p>
        </>
      )}
    </div>
  );
}

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useErrorBoundary, useMemo, useRef, useState } from 'preact/hooks';
import { timeLeftState } from './time-left';
import { api, ApiError, loadSession, setSession, setUnauthenticatedHandler, type Category, type Centre, type Session, type SignInWays } from './api';
import { translate, type Key, type Lang } from './i18n';

// ---- language: Chinese unless the reader chose English ---------------------------------

const STORAGE_KEY = 'onedoor.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage unavailable: default
  }
  return 'zh';
}

function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

// ---- routing: plain paths, History API -------------------------------------------------

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event('onedoor:navigate'));
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const update = () => setPath(location.pathname + location.search);
    window.addEventListener('popstate', update);
    window.addEventListener('onedoor:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('onedoor:navigate', update);
    };
  }, []);
  return path;
}

export function Link(props: { href: string; class?: string; children: ComponentChildren; 'data-testid'?: string }) {
  return (
    <a
      href={props.href}
      class={props.class}
      data-testid={props['data-testid']}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

// ---- application context ----------------------------------------------------------------

export interface AppState {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: Key | string, vars?: Record<string, string | number>): string;
  session: Session | null;
  /** False until the server has said who the cookie belongs to. */
  sessionKnown: boolean;
  /** The ways in this deployment offers, as the same answer said (null when it could not: an ended session). */
  ways: SignInWays | null;
  signIn(session: Session): void;
  signOut(): Promise<void>;
  centres: Map<string, Centre>;
  categories: Category[];
  centreName(id: string | undefined | null): string;
  name(named: { zh: string; en: string } | undefined): string;
}

const Ctx = createContext<AppState | null>(null);

export function useApp(): AppState {
  const value = useContext(Ctx);
  if (!value) throw new Error('useApp outside the app');
  return value;
}

/** Renew a session with less than this left (a third of the default 12 hours). */
const RENEW_WHEN_LEFT_MS = 4 * 3600_000;
/** At most one renewal in this long: a deployment whose sessions are shorter than the threshold would otherwise renew on every answer. */
const RENEW_AT_MOST_EVERY_MS = 5 * 60_000;

export function AppProvider(props: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang());
  const [session, setSessionState] = useState<Session | null>(null);
  const [sessionKnown, setSessionKnown] = useState(false);
  const [ways, setWays] = useState<SignInWays | null>(null);
  const [centres, setCentres] = useState<Map<string, Centre>>(new Map());
  const [categories, setCategories] = useState<Category[]>([]);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    saveLang(lang);
  }, [lang]);

  useEffect(() => {
    loadSession()
      .then((known) => {
        setSessionState(known.session);
        setWays(known.ways);
      })
      .catch((error: unknown) => {
        setSessionState(null);
        // A cookie the server no longer honours (signed out elsewhere, expired, deactivated): say so.
        if (error instanceof ApiError && error.problem.status === 401 && !location.pathname.startsWith('/signin')) {
          navigate(`/signin?expired=1&next=${encodeURIComponent(location.pathname + location.search)}`, true);
        }
      })
      .finally(() => setSessionKnown(true));
  }, []);

  // A session in use is renewed before it ends (the server caps it 30 days after sign-in); one left in a hidden tab is not.
  const lastRenewal = useRef(0);
  useEffect(() => {
    if (!session?.expiresAt) return;
    const check = () => {
      const left = Date.parse(session.expiresAt ?? '') - Date.now();
      if (document.visibilityState !== 'visible' || !(left < RENEW_WHEN_LEFT_MS)) return;
      if (Date.now() - lastRenewal.current < RENEW_AT_MOST_EVERY_MS) return;
      lastRenewal.current = Date.now();
      api<{ expiresAt: string }>('POST', '/api/v1/session/renew')
        .then((renewed) => {
          const next = { ...session, expiresAt: renewed.expiresAt };
          setSession(next);
          setSessionState(next);
        })
        .catch(() => undefined);
    };
    check();
    const timer = setInterval(check, 5 * 60_000);
    return () => clearInterval(timer);
  }, [session]);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setSessionState(null);
      navigate(`/signin?expired=1&next=${encodeURIComponent(location.pathname)}`, true);
    });
  }, []);

  useEffect(() => {
    let live = true;
    Promise.all([api<{ items: Centre[] }>('GET', '/api/v1/centres', { auth: false }), api<{ items: Category[] }>('GET', '/api/v1/categories', { auth: false })])
      .then(([c, k]) => {
        if (!live) return;
        setCentres(new Map(c.items.map((centre) => [centre.id, centre])));
        setCategories(k.items);
        setLoadError(null);
      })
      .catch((error: unknown) => live && setLoadError(error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) })));
    return () => {
      live = false;
    };
  }, [attempt]);

  const t = useCallback((key: Key | string, vars?: Record<string, string | number>) => translate(lang, key, vars), [lang]);
  const value = useMemo<AppState>(
    () => ({
      lang,
      setLang: setLangState,
      t,
      session,
      sessionKnown,
      ways,
      signIn(next) {
        setSession(next);
        setSessionState(next);
      },
      async signOut() {
        // The server ends the session, so the cookie is worthless even if a copy of it survives.
        await api('POST', '/api/v1/session/sign-out').catch(() => undefined);
        setSession(null);
        setSessionState(null);
      },
      centres,
      categories,
      centreName(id) {
        if (!id) return '';
        const centre = centres.get(id);
        return centre ? centre.name[lang] : id;
      },
      name(named) {
        return named ? named[lang] : '';
      },
    }),
    [lang, t, session, sessionKnown, ways, centres, categories],
  );
  return (
    <Ctx.Provider value={value}>
      {loadError && (
        <div class="banner error" role="alert">
          <ProblemText error={loadError} /> <button onClick={() => setAttempt((n) => n + 1)}>{t('err.reload')}</button>
        </div>
      )}
      {props.children}
    </Ctx.Provider>
  );
}

// ---- shared pieces -----------------------------------------------------------------------

export function ProblemText(props: { error: unknown }) {
  const { t, lang } = useApp();
  const error = props.error;
  if (error instanceof ApiError) {
    if (error.network) return <span>{t('err.network')}</span>;
    const p = error.problem;
    // The API words refusals and "not found" for people, in each language; its detail is for developers.
    if (p.message) {
      return (
        <span data-testid="problem-message">
          <strong>{t('err.status', { status: p.status })}</strong> {p.message[lang]}
        </span>
      );
    }
    return (
      <span>
        <strong>{t('err.status', { status: p.status })}</strong> {p.title ?? ''}
        {p.detail ? `: ${p.detail}` : ''}
        {(p.errors?.length ?? 0) > 0 && (
          <ul class="problem-errors">
            {p.errors?.map((e) => (
              <li key={e.name}>
                <code>{e.name}</code> {e.reason}
              </li>
            ))}
          </ul>
        )}
      </span>
    );
  }
  return <span>{error instanceof Error ? error.message : String(error)}</span>;
}

export function ErrorBanner(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useApp();
  if (!props.error) return null;
  return (
    <div class="banner error" role="alert" data-testid="api-error">
      <ProblemText error={props.error} />
      {props.onRetry && (
        <button class="link" onClick={props.onRetry}>
          {t('err.reload')}
        </button>
      )}
    </div>
  );
}

/** Loads data for a page; `reload` fetches again. Errors are kept and shown, never dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; loading: boolean; reload(): void; setData(d: T): void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(null);
      })
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((n) => n + 1), setData };
}

/** Catches a render error so the page shows a message instead of going blank. */
export function Boundary(props: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary((e: unknown) => console.error(e));
  const { t } = useApp();
  if (error) {
    return (
      <div class="card" role="alert" data-testid="page-error">
        <h2>{t('err.page')}</h2>
        <p class="muted">{error instanceof Error ? error.message : String(error)}</p>
        <button onClick={reset}>{t('err.reload')}</button>
      </div>
    );
  }
  return <>{props.children}</>;
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export function formatDuration(ms: number, t: AppState['t']): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  if (d > 0) return `${t('time.d', { n: d })}${h > 0 ? ` ${t('time.h', { n: h })}` : ''}`;
  if (h > 0) return `${t('time.h', { n: h })}${m > 0 ? ` ${t('time.m', { n: m })}` : ''}`;
  if (m > 0) return t('time.m', { n: m });
  return t('time.s', { n: s });
}

/** A deadline as time left, or marked overdue. */
export function TimeLeft(props: { deadline: string | null; overdue?: boolean; status?: string }) {
  const { t } = useApp();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);
  const state = timeLeftState(props, now);
  if (state.kind === 'none') return <span class="muted">{t('time.none')}</span>;
  if (state.kind === 'overdue') {
    return (
      <span class="badge overdue" data-testid="overdue">
        ⚠ {t('case.overdue')}
        {state.byMs !== null && ` · ${t('time.overdueBy', { t: formatDuration(state.byMs, t) })}`}
      </span>
    );
  }
  return <span class={`timeleft${state.ms < 3_600_000 ? ' soon' : ''}`}>{t('time.left', { t: formatDuration(state.ms, t) })}</span>;
}

export function StageBadge(props: { stage: string }) {
  const { t } = useApp();
  return <span class={`badge stage stage-${props.stage}`}>{t(`stage.${props.stage}`)}</span>;
}

export function RiskBadge(props: { risk: string }) {
  const { t } = useApp();
  return <span class={`badge risk risk-${props.risk}`}>{t(`risk.${props.risk}`)}</span>;
}

export const LEVEL_COLOURS: Record<string, string> = { village: '#2e7d32', town: '#1565c0', county: '#6a1b9a', city: '#c62828' };

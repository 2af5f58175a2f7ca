/** The HTTP API, as the UI uses it: JSON in and out, problems turned into ApiError. */
import type { Role } from '../../src/domain/lifecycle';
import type { CaseView, Timeline } from '../../src/api/views';
import type { ProblemFields } from '../../src/api/problem-body';
import type { SessionView } from '../../src/api/session/schemas';

export type { InvalidParam } from '../../src/api/problem-body';

/** A problem as the UI holds it: the API's, or one the UI makes for an answer that never came (status 0). */
export type Problem = Pick<ProblemFields, 'status'> & Partial<Omit<ProblemFields, 'status'>>;

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly network = false,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  /** Field errors keyed by the path inside the body: `location.centreId`, `terms.0.party`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.problem.errors ?? []) {
      const key = error.name.replace(/^(body|query|params)\.?/, '');
      out[key || '_'] ??= error.reason;
    }
    // A rule the workflow checks names its field at the start of the reason ("until: …", "replyBy must …").
    const named = this.problem.status === 400 && !this.problem.errors?.length ? /^([a-z][A-Za-z]*)(?::| must )/.exec(this.problem.detail ?? '') : null;
    if (named?.[1]) out[named[1]] = this.problem.detail ?? '';
    return out;
  }
}

/** Who is signed in, as the UI holds it: the session itself is an HttpOnly cookie the page never sees. */
export interface Session {
  personId: string;
  role: Role;
  centreId?: string;
  /** Department staff: the department they work for. */
  departmentId?: string;
  name?: string;
  /** A resident's own number (the report form offers it). */
  phone?: string;
  /** Sent back as X-CSRF-Token with every write. */
  csrf: string;
  expiresAt?: string;
}

let current: Session | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** The session as the API describes it (GET /api/v1/session, or a sign-in's answer). */
export function sessionFromView(view: SessionView): Session | null {
  if (!view.person || !view.csrfToken) return null;
  const session: Session = { personId: view.person.id, role: view.person.role, name: view.person.name, csrf: view.csrfToken };
  if (view.person.centreId) session.centreId = view.person.centreId;
  if (view.person.departmentId) session.departmentId = view.person.departmentId;
  if (view.person.phone) session.phone = view.person.phone;
  if (view.expiresAt) session.expiresAt = view.expiresAt;
  return session;
}

export type SignInWays = NonNullable<SessionView['ways']>;

/** Asks the server who the cookie belongs to (the page keeps no credentials of its own), and which ways in it offers. */
export async function loadSession(): Promise<{ session: Session | null; ways: SignInWays | null }> {
  const view = await api<SessionView>('GET', '/api/v1/session', { auth: false });
  current = sessionFromView(view);
  return { session: current, ways: view.ways ?? null };
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
}

type Query = Record<string, string | number | boolean | undefined>;

export async function api<T>(method: 'GET' | 'POST', path: string, options: { body?: unknown; query?: Query; auth?: boolean; headers?: Record<string, string> } = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  // The session cookie goes by itself; a write also carries the token only this page can read.
  if (method !== 'GET' && current) headers['X-CSRF-Token'] = current.csrf;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, credentials: 'same-origin', body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch (error) {
    throw new ApiError({ status: 0, title: 'Network error', detail: (error as Error).message }, true);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const problem: Problem = data && typeof data === 'object' ? { status: res.status, ...(data as Partial<Problem>) } : { status: res.status, title: res.statusText, detail: text.slice(0, 300) };
    if (res.status === 401 && options.auth !== false && current) {
      setSession(null);
      onUnauthenticated?.();
    }
    throw new ApiError(problem);
  }
  return data as T;
}

// ---- shapes the UI reads: the API's and the domain's own types ------------------------

export type { SessionView } from '../../src/api/session/schemas';
export type { CaseList, CaseListItem, CaseView, Category, Centre, CreatedCase, Dashboard, DevPerson, PoolMember, Timeline } from '../../src/api/views';
export type { Channel } from '../../src/domain/intake';
export { CHANNELS } from '../../src/domain/intake';
export type { ActionOf, ActionType, CaseAction } from '../../src/domain/actions';
export type { Level } from '../../src/domain/organisation';
export type { Risk, RiskFactor } from '../../src/domain/risk';
export type { Role, Stage } from '../../src/domain/lifecycle';
export { LEVELS } from '../../src/domain/organisation';
export { RISKS } from '../../src/domain/risk';
export { SPECIALTIES } from '../../src/domain/categories';
export { PAUSE_REASONS, REFERRALS, STAGES } from '../../src/domain/lifecycle';

export type TimelineEvent = Timeline['events'][number];
export type StageVisit = Timeline['stages'][number];

/** A department as GET /api/v1/departments answers it. */
export type { Department } from '../../src/domain/departments';
export type CaseClocks = CaseView['clocks'];
export type SupervisionOrderView = CaseClocks['supervisions'][number];
export type HandlingSpanView = Timeline['handling'][number];
export type { PolicyVersionView, NewPolicyVersion } from '../../src/api/deadline-policy/schemas';
export type { PolicySettings, Span, SpanUnit } from '../../src/domain/deadline-policy';
export { SPAN_UNITS } from '../../src/domain/deadline-policy';
export { AUTOMATIC_SUPERVISION_REASONS } from '../../src/domain/supervision';

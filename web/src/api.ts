/** The HTTP API, as the UI uses it: JSON in and out, problems turned into ApiError. */

export interface InvalidParam {
  name: string;
  reason: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: InvalidParam[];
}

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
    return out;
  }
}

export interface Session {
  token: string;
  personId: string;
  role: Role;
  centreId?: string;
  name?: string;
  exp?: number;
}

export type Role = 'resident' | 'grid_worker' | 'mediator' | 'expert' | 'admin';

const TOKEN_KEY = 'onedoor.session';
let current: Session | null = loadSession();
let onUnauthenticated: (() => void) | null = null;

export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Reads the claims from a JWT without checking it (the server does that). */
export function sessionFromToken(token: string, name?: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(decodeURIComponent(escape(json))) as { sub?: string; role?: Role; centreId?: string; exp?: number };
    if (!claims.sub || !claims.role) return null;
    const session: Session = { token: token.trim(), personId: claims.sub, role: claims.role };
    if (claims.centreId) session.centreId = claims.centreId;
    if (claims.exp) session.exp = claims.exp;
    if (name) session.name = name;
    return session;
  } catch {
    return null;
  }
}

function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(TOKEN_KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    if (session.exp && session.exp * 1000 < Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  try {
    if (session) localStorage.setItem(TOKEN_KEY, JSON.stringify(session));
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage unavailable: the session lives for this page only
  }
}

type Query = Record<string, string | number | boolean | undefined>;

export async function api<T>(method: 'GET' | 'POST', path: string, options: { body?: unknown; query?: Query; auth?: boolean; headers?: Record<string, string> } = {}): Promise<T> {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.auth !== false && current) headers.Authorization = `Bearer ${current.token}`;
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
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

// ---- shapes the UI reads ---------------------------------------------------------------

export type Stage = 'intake' | 'risk_assessment' | 'escalation' | 'expert_consultation' | 'mediation' | 'closure' | 'feedback' | 'closed';
export type Level = 'city' | 'county' | 'town' | 'village';
export type Risk = 'low' | 'medium' | 'high' | 'critical';
export const STAGES: Stage[] = ['intake', 'risk_assessment', 'escalation', 'expert_consultation', 'mediation', 'closure', 'feedback', 'closed'];
export const LEVELS: Level[] = ['city', 'county', 'town', 'village'];
export const RISKS: Risk[] = ['low', 'medium', 'high', 'critical'];
export const SPECIALTIES = ['estate', 'neighbour', 'labour', 'family', 'land', 'building_safety', 'public_facility', 'legal', 'general'] as const;
export const REFERRALS = ['litigation', 'arbitration', 'petition', 'other'] as const;

export interface Named {
  zh: string;
  en: string;
}
export interface Centre {
  id: string;
  name: Named;
  level: Level;
  parentId: string | null;
  path: string[];
}
export interface Category {
  code: string;
  name: Named;
  kind: 'dispute' | 'hazard';
  defaultSpecialty: string;
}
export interface RiskFactor {
  code: string;
  points: number;
  label: Named;
  evidence?: string;
}
export interface CaseView {
  id: string;
  caseNumber: string;
  category: string;
  kind: 'dispute' | 'hazard';
  title: string;
  description?: string;
  channel: string;
  stage: Stage;
  status: 'open' | 'closed';
  centreId: string;
  centrePath: string[];
  level: Level;
  risk: Risk;
  riskFactors: RiskFactor[];
  riskConfirmed: boolean;
  deadline: string | null;
  overdue: boolean;
  mediator: { id: string; name: string | null } | null;
  expert: { id: string; name: string | null } | null;
  opinion: { expertId: string; text: string; at: string } | null;
  sessions: { at: string; summary: string; by: string }[];
  outcome: 'agreement' | 'failure' | 'disposed' | null;
  agreement: { party: string; obligation: string }[] | null;
  failure: { reason: string; referral: string } | null;
  disposal: string | null;
  closureSummary: string | null;
  rating: number | null;
  feedbackComment: string | null;
  feedbackStatus: string | null;
  reopenCount: number;
  location: { centreId: string; address: string };
  complainant: { personId: string; name: string; phone: string };
  parties: { name: string; role: string }[];
  affectedCount: number | null;
  reportedById: string;
  receivedAt: string;
  updatedAt: string;
  closedAt: string | null;
  allowedActions?: string[];
}
export interface CaseList {
  items: CaseView[];
  page: number;
  pageSize: number;
  total: number;
}
export interface TimelineEvent {
  seq: number;
  at: string;
  type: string;
  stage: Stage;
  fromStage: Stage | null;
  actor: { kind: 'person' | 'system'; personId?: string; role?: Role };
  centreId: string;
  level: Level;
  detail: Record<string, unknown>;
}
export interface StageVisit {
  stage: Stage;
  centreId: string;
  level: Level;
  enteredAt: string;
  leftAt: string | null;
  deadline: string | null;
  breached: boolean;
  durationMs: number | null;
}
export interface Timeline {
  caseId: string;
  caseNumber: string;
  events: TimelineEvent[];
  stages: StageVisit[];
  workflow: { workflowId: string; runId: string | null; status: string | null; historyLength: number | null; webUiUrl: string | null };
}
export interface Dashboard {
  centreId: string;
  open: number;
  closed: number;
  byStage: Record<string, number>;
  byLevel: Record<string, number>;
  byRisk: Record<string, number>;
  overdue: { count: number; items: { id: string; caseNumber: string; stage: Stage; centreId: string; level: Level; risk: Risk; deadline: string | null }[] };
  medianTimeToCloseMs: number | null;
  closedOnTimeShare: number | null;
  satisfaction: { rated: number; average: number | null; satisfiedShare: number | null };
}
export interface PoolMember {
  id: string;
  name: string;
  role: 'mediator' | 'expert';
  centreId: string;
  specialties: string[];
  title: string | null;
  load: number;
}
export interface DevPerson {
  id: string;
  name: string;
  role: Role;
  centreId: string;
  title: string | null;
  specialties: string[];
}

import { randomBytes } from 'node:crypto';
import { tokenFor } from '../api/helpers';

/**
 * A client that behaves as a careful one should under faults: every request has
 * a timeout, a 503 or a dropped connection is retried (an intake with the same
 * Idempotency-Key), and an action whose first attempt may have landed is
 * checked against the case's timeline before a 409 is taken as a refusal.
 * It tallies every answer so the test can assert what the API said under fault.
 */
/** The API answers within its request deadline (20 s); anything past this is a hang. */
export const REQUEST_TIMEOUT_MS = 30_000;
const GIVE_UP_MS = 240_000;

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | null;
}

export interface Tally {
  requests: number;
  byStatus: Map<number, number>;
  /** 5xx other than 503, with what was asked. */
  serverErrors: string[];
  /** 503 answers without a Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** Requests that got no answer within REQUEST_TIMEOUT_MS. */
  hangs: string[];
  /** Connections refused or dropped (the API process was gone). */
  networkErrors: number;
  slowestMs: number;
  /** Answers that took longer than 10 s: what, and how long. */
  slow: string[];
  /** Completion times of successful writes, with when they were sent. */
  writes: { kind: 'intake' | 'action'; sentAt: number; doneAt: number }[];
}

export function newTally(): Tally {
  return { requests: 0, byStatus: new Map(), serverErrors: [], unavailableWithoutRetryAfter: 0, hangs: [], networkErrors: 0, slowestMs: 0, slow: [], writes: [] };
}

export const LIFECYCLE: [string, Record<string, unknown>][] = [
  ['p-dongmen-admin', { type: 'accept' }],
  ['p-dongmen-admin', { type: 'assess', risk: 'low', factors: [] }],
  ['p-dongmen-admin', { type: 'record_disposal', summary: '更换灯泡' }],
  ['p-dongmen-admin', { type: 'close', summary: '已修复' }],
  ['p-dongmen-resident', { type: 'feedback', rating: 5 }],
];
/** Events a finished case has: reported + one per step. */
export const FINAL_SEQ = LIFECYCLE.length + 1;

export interface CaseRecord {
  n: number;
  key: string;
  title: string;
  phone: string;
  /** The reported position: personal data like the phone, looked for where it must not be. */
  lat: number;
  lng: number;
  id: string | undefined;
  /** Intake attempts that got no answer (connection dropped, timeout, 503). */
  interruptedIntakes: number;
  finished: boolean;
  error: string | undefined;
}

export class LoadDriver {
  readonly tally = newTally();
  readonly cases: CaseRecord[] = [];
  private readonly run = randomBytes(3).toString('hex');
  private readonly phoneBase = 1000 + Math.floor(Math.random() * 8000);
  private counter = 0;

  constructor(private readonly baseUrl: () => string) {}

  async send(person: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const sentAt = Date.now();
    this.tally.requests += 1;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl()}${url}`, {
        method,
        headers: { authorization: `Bearer ${tokenFor(person)}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') this.tally.hangs.push(`${method} ${url}`);
      else this.tally.networkErrors += 1;
      throw error;
    }
    let parsed: Record<string, unknown> = {};
    try {
      parsed = (await response.json()) as Record<string, unknown>;
    } catch (error) {
      // The API died while sending the body.
      this.tally.networkErrors += 1;
      throw error;
    }
    const ms = Date.now() - sentAt;
    this.tally.slowestMs = Math.max(this.tally.slowestMs, ms);
    if (ms > 10_000) this.tally.slow.push(`${method} ${url.replace(/case_[0-9a-f]+/, '{id}')} → ${response.status} in ${(ms / 1000).toFixed(1)} s`);
    this.tally.byStatus.set(response.status, (this.tally.byStatus.get(response.status) ?? 0) + 1);
    const retryAfter = response.headers.get('retry-after');
    if (response.status >= 500 && response.status !== 503) this.tally.serverErrors.push(`${method} ${url} → ${response.status} ${JSON.stringify(parsed)}`);
    if (response.status === 503 && !retryAfter) this.tally.unavailableWithoutRetryAfter += 1;
    if (method === 'POST' && response.status < 300) this.tally.writes.push({ kind: url.endsWith('/actions') ? 'action' : 'intake', sentAt, doneAt: Date.now() });
    return { status: response.status, body: parsed, retryAfter };
  }

  /** Retries what a client may retry; answers with the first definite answer and whether an earlier attempt was ambiguous. */
  async call(person: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ answer: Answer; ambiguous: boolean; interrupted: number }> {
    const until = Date.now() + GIVE_UP_MS;
    let interrupted = 0;
    for (;;) {
      let answer: Answer | undefined;
      try {
        answer = await this.send(person, method, url, body, headers);
      } catch {
        answer = undefined;
      }
      if (answer && answer.status !== 503) return { answer, ambiguous: interrupted > 0, interrupted };
      interrupted += 1;
      if (Date.now() > until) throw new Error(`${method} ${url}: no definite answer within ${GIVE_UP_MS} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  newCase(): CaseRecord {
    const n = (this.counter += 1);
    const record: CaseRecord = {
      n,
      key: `fault-${this.run}-${n}`,
      title: `路灯损坏 fault-${this.run}-${n}`,
      phone: `139${this.phoneBase}${String(n).padStart(4, '0')}`,
      // Dongmen, a few metres apart, with digits no other number in the suite has.
      lat: Number((24.3617 + n * 0.0000137 + this.phoneBase * 1e-9).toFixed(9)),
      lng: Number((117.3221 + n * 0.0000173 + this.phoneBase * 1e-9).toFixed(9)),
      id: undefined,
      interruptedIntakes: 0,
      finished: false,
      error: undefined,
    };
    this.cases.push(record);
    return record;
  }

  /** Intake with an Idempotency-Key, retried until a definite answer. */
  async intake(record: CaseRecord): Promise<void> {
    const body = {
      category: 'public_facility_hazard',
      title: record.title,
      description: '小区路灯不亮',
      channel: 'app',
      location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: `${record.n} 号楼`, lat: record.lat, lng: record.lng, source: 'device', accuracy: 20 },
      complainant: { name: '王秀兰', phone: record.phone },
    };
    const { answer, interrupted } = await this.call('p-dongmen-resident', 'POST', '/api/v1/cases', body, { 'idempotency-key': record.key });
    record.interruptedIntakes += interrupted;
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`intake ${record.key} → ${answer.status} ${JSON.stringify(answer.body)}`);
    record.id = String(answer.body.id);
  }

  private async eventCount(id: string): Promise<number> {
    const { answer } = await this.call('p-dongmen-admin', 'GET', `/api/v1/cases/${id}/timeline`);
    if (answer.status !== 200) throw new Error(`timeline ${id} → ${answer.status}`);
    return (answer.body.events as unknown[]).length;
  }

  /** Waits (up to a minute) until the case's timeline holds `count` events. */
  private async recorded(id: string, count: number): Promise<boolean> {
    const until = Date.now() + 60_000;
    for (;;) {
      if ((await this.eventCount(id)) >= count) return true;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** One case from intake to feedback. */
  async runCase(record = this.newCase()): Promise<CaseRecord> {
    try {
      if (!record.id) await this.intake(record);
      const id = record.id as string;
      for (const [index, [person, action]] of LIFECYCLE.entries()) {
        const expected = index + 2;
        const { answer, ambiguous } = await this.call(person, 'POST', `/api/v1/cases/${id}/actions`, action);
        if (answer.status === 200) continue;
        // A first attempt that got no answer may have been applied: then the retry's 409 is its echo.
        // The workflow refuses the retry as soon as the first attempt has changed its state, which
        // can be before that attempt's transition is written: wait for the record to show it.
        if (answer.status === 409 && ambiguous && (await this.recorded(id, expected))) continue;
        throw new Error(`${id} ${String(action.type)} → ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      record.finished = true;
    } catch (error) {
      record.error = (error as Error).message;
    }
    return record;
  }
}

/**
 * `concurrency` clients each running cases back to back until stopped.
 */
export class SteadyLoad {
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  completed = 0;

  constructor(private readonly driver: LoadDriver, concurrency: number) {
    for (let i = 0; i < concurrency; i += 1) this.loops.push(this.loop());
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const record = await this.driver.runCase();
      if (record.finished) this.completed += 1;
      if (record.error) return; // reported by the checks; keep the rest going
    }
  }

  /** Resolves once `count` more cases have finished (or the loops have all ended). */
  async completeMore(count: number): Promise<void> {
    const target = this.completed + count;
    while (this.completed < target && !this.stopping) {
      if (this.driver.cases.filter((c) => c.error).length >= this.loops.length) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }
}

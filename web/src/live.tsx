/**
 * Live queues in the browser: one EventSource per page (the session cookie signs it in),
 * shared by the navigation's badge and the lists. EventSource reconnects by itself after a
 * dropped connection, sending Last-Event-ID; when the server refused it (signed out, too
 * many streams, a restart) it closes, and we try again, waiting longer each time.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Role } from './api';
import { useApp } from './app';

export type LiveState = 'off' | 'connecting' | 'live' | 'reconnecting';
export interface LiveStatus {
  state: LiveState;
  /** Cases waiting for the signed-in person's part (the badge), once the stream said. */
  waiting: number | null;
}
/** A visible case arrived or moved (`case`), or the stream (re)connected after it may have missed some (`resync`). */
export type LiveChange = { kind: 'case'; id: string } | { kind: 'resync' };

const FIRST_RETRY_MS = 3000;
const LONGEST_RETRY_MS = 60_000;

/** Roles that work a queue: residents follow their own cases on their page. */
export function hasLiveQueue(role: Role | undefined): boolean {
  return role !== undefined && role !== 'resident';
}

class LiveConnection {
  private source: EventSource | null = null;
  private status: LiveStatus = { state: 'off', waiting: null };
  private readonly watchers = new Set<(status: LiveStatus) => void>();
  private readonly changes = new Set<(change: LiveChange) => void>();
  private retry: ReturnType<typeof setTimeout> | null = null;
  private retryMs = FIRST_RETRY_MS;
  private readyBefore = false;

  start(): void {
    if (this.source || this.retry) return;
    this.connect();
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.readyBefore = false;
    this.set({ state: 'off', waiting: null });
  }

  current(): LiveStatus {
    return this.status;
  }

  watch(watcher: (status: LiveStatus) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  onChange(listener: (change: LiveChange) => void): () => void {
    this.changes.add(listener);
    return () => this.changes.delete(listener);
  }

  private connect(): void {
    this.retry = null;
    const source = new EventSource('/api/v1/live/cases');
    this.source = source;
    this.set({ ...this.status, state: this.readyBefore ? 'reconnecting' : 'connecting' });
    source.addEventListener('ready', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { missed: boolean; waiting: number };
      const again = this.readyBefore;
      this.readyBefore = true;
      this.retryMs = FIRST_RETRY_MS;
      this.set({ state: 'live', waiting: data.waiting });
      // Whatever happened while we were away, the lists fetch again.
      if (again || data.missed) this.tell({ kind: 'resync' });
    });
    source.addEventListener('case', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { id: string };
      this.tell({ kind: 'case', id: data.id });
    });
    source.addEventListener('waiting', (event) => {
      const data = JSON.parse((event as MessageEvent<string>).data) as { waiting: number };
      this.set({ ...this.status, waiting: data.waiting });
    });
    source.addEventListener('end', () => this.later(source));
    source.onerror = () => {
      // CONNECTING: the browser is already trying again. CLOSED: it gave up (a refusal); we try later.
      if (source.readyState === EventSource.CLOSED) this.later(source);
      else this.set({ ...this.status, state: 'reconnecting' });
    };
  }

  private later(source: EventSource): void {
    source.close();
    if (this.source !== source) return;
    this.source = null;
    this.set({ ...this.status, state: 'reconnecting' });
    this.retry = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, LONGEST_RETRY_MS);
  }

  private set(status: LiveStatus): void {
    this.status = status;
    for (const watcher of this.watchers) watcher(status);
  }

  private tell(change: LiveChange): void {
    for (const listener of this.changes) listener(change);
  }
}

const live = new LiveConnection();

/** Keeps the page's live stream open while a member of staff is signed in. */
export function useLiveSession(): void {
  const { session } = useApp();
  const staff = hasLiveQueue(session?.role);
  useEffect(() => {
    if (staff) live.start();
    else live.stop();
  }, [staff, session?.personId]);
}

export function useLiveStatus(): LiveStatus {
  const [status, setStatus] = useState(live.current());
  useEffect(() => live.watch(setStatus), []);
  return status;
}

/** Calls `reload` (at most once per `debounceMs`) when a case the person may see changed, or after a reconnect. */
export function useLiveReload(reload: () => void, debounceMs = 400): void {
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = live.onChange(() => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        latest.current();
      }, debounceMs);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [debounceMs]);
}

/** The count of cases waiting for me, beside the queue's link. */
export function WaitingBadge() {
  const { t } = useApp();
  const { waiting } = useLiveStatus();
  if (waiting === null || waiting === 0) return null;
  return (
    <span class="badge count" data-testid="waiting-badge" aria-label={t('live.waitingLabel', { n: waiting })} title={t('live.waitingLabel', { n: waiting })}>
      {waiting > 99 ? '99+' : waiting}
    </span>
  );
}

/** "Live" or "reconnecting", for the list the person is looking at. */
export function LiveIndicator() {
  const { t } = useApp();
  const { state } = useLiveStatus();
  if (state === 'off') return null;
  const text = state === 'live' ? t('live.live') : state === 'connecting' ? t('live.connecting') : t('live.reconnecting');
  return (
    <span class={`live live-${state}`} data-testid="live-status" data-state={state} role="status">
      <span class="dot" aria-hidden="true" /> {text}
    </span>
  );
}

/**
 * Live queues: a Server-Sent Events stream that tells a signed-in member of staff, for
 * the cases they may see, that a case arrived or moved (its id, stage, centre and status:
 * nothing personal), and how many cases wait for their part (the navigation's badge).
 *
 * It is fed by the API process's copy of `case_index` (src/db/case-mirror.ts), which
 * already follows the case change log every second: one listener per process, not a
 * poller per stream. Each event's id is the copy's position in the change log, so a
 * browser that reconnects (EventSource does so by itself, sending Last-Event-ID) is told
 * whether it missed changes and reloads its list.
 */
import type { Request, Response } from 'express';
import { z } from '../zod';
import { authenticate, callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, PROBLEM_BASE, problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { visibleTo, type PathOf } from '../../domain';
import type { MirroredCase } from '../../db/case-mirror';

/** What one event says about a case: enough to know a list may have changed, nothing about the people in it. */
export interface LiveCaseEvent {
  id: string;
  stage: string;
  centreId: string;
  status: string;
}

/** A stream whose client reads slower than this much is waiting in memory is dropped; its browser reconnects and reloads. */
const MAX_BUFFERED_BYTES = 64 * 1024;
/** How long a browser waits before reconnecting after the stream ended. */
const RETRY_MS = 3000;

const NOT_ACCEPTABLE = { zh: '此地址只提供实时事件流（text/event-stream）。', en: 'This address serves only a live event stream (text/event-stream).' };
const STAFF_ONLY = { zh: '实时队列仅供工作人员使用；请在“我的案件”中查看您的案件。', en: 'Live queues are for staff: see your cases under “My cases”.' };

function viewerKey(caller: Caller): string {
  return `${caller.role}|${caller.centreId ?? ''}|${caller.departmentId ?? ''}|${caller.role === 'expert' ? caller.personId : ''}`;
}


interface Stream {
  caller: Caller;
  res: Response;
  lastWaiting: number;
}

/** The open streams of this process, and the one mirror listener that feeds them. */
export class LiveStreams {
  private readonly streams = new Set<Stream>();
  private unsubscribe: (() => void) | null = null;
  private pathOf: PathOf = () => undefined;
  private telling: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: ApiContext) {}

  get size(): number {
    return this.streams.size;
  }

  async open(req: Request, res: Response, caller: Caller): Promise<void> {
    const lastEventId = Number.parseInt(req.get('last-event-id') ?? '', 10);
    // The copy loaded and current, and the listener on, before the first event is sent.
    await this.ctx.caseMirror.current();
    this.pathOf = await this.ctx.centres.paths();
    this.listen();
    const stream: Stream = { caller, res, lastWaiting: await this.ctx.reads.waitingFor(caller) };
    this.streams.add(stream);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx buffers proxied answers unless told not to: events would wait for the buffer to fill.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const position = this.ctx.caseMirror.position;
    const missed = Number.isFinite(lastEventId) && lastEventId < position;
    this.send(stream, `retry: ${RETRY_MS}\n\n`);
    this.send(stream, event('ready', position, { position, missed, waiting: stream.lastWaiting }));
    const heartbeat = setInterval(() => void this.beat(req, stream), this.ctx.config.liveHeartbeatMs);
    const close = (): void => {
      clearInterval(heartbeat);
      this.streams.delete(stream);
      if (this.streams.size === 0) this.stopListening();
    };
    res.on('close', close);
    req.on('close', close);
  }

  /** Closes every stream (shutdown, tests). */
  closeAll(): void {
    for (const stream of this.streams) stream.res.end();
    this.streams.clear();
    this.stopListening();
  }

  private listen(): void {
    this.unsubscribe ??= this.ctx.caseMirror.onChange((changed, position) => {
      // Batches in turn, so each stream's counts arrive in the order the changes happened.
      this.telling = this.telling.then(() => this.tell(changed, position)).catch((error: unknown) => this.ctx.logger.warn({ err: error }, 'live queues: counting what waits failed'));
    });
  }

  private stopListening(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** One batch of changes to every stream: the cases each may see, and its new count when that changed (counted once per kind of viewer). */
  private async tell(changed: readonly MirroredCase[], position: number): Promise<void> {
    const counts = new Map<string, number>();
    for (const stream of this.streams) {
      const seen = changed.filter((entry) => visibleTo(entry, stream.caller, this.pathOf));
      if (seen.length === 0) continue;
      for (const entry of seen) {
        const data: LiveCaseEvent = { id: entry.id, stage: entry.stage, centreId: entry.centreId, status: entry.status };
        this.send(stream, event('case', position, data));
      }
      const key = viewerKey(stream.caller);
      let waiting = counts.get(key);
      if (waiting === undefined) counts.set(key, (waiting = await this.ctx.reads.waitingFor(stream.caller)));
      if (waiting !== stream.lastWaiting) {
        stream.lastWaiting = waiting;
        this.send(stream, event('waiting', position, { waiting }));
      }
    }
  }

  /** A comment line keeps proxies from closing an idle stream; the sign-in is checked again, and the stream ends with it. */
  private async beat(req: Request, stream: Stream): Promise<void> {
    let caller: Caller | null = null;
    try {
      caller = await authenticate(this.ctx, req);
    } catch {
      caller = null;
    }
    if (!caller || caller.role === 'resident') {
      this.send(stream, event('end', this.ctx.caseMirror.position, { reason: 'signed_out' }));
      stream.res.end();
      return;
    }
    stream.caller = caller;
    this.pathOf = await this.ctx.centres.paths().catch(() => this.pathOf);
    this.send(stream, ': ping\n\n');
  }

  private send(stream: Stream, text: string): void {
    if (stream.res.writableEnded || stream.res.destroyed) return;
    if (stream.res.writableLength > MAX_BUFFERED_BYTES) {
      stream.res.destroy();
      return;
    }
    stream.res.write(text);
  }
}

function event(name: string, id: number, data: unknown): string {
  return `event: ${name}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function liveRoutes(ctx: ApiContext, streams = new LiveStreams(ctx)): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/live/cases',
      summary:
        'Live queue (Server-Sent Events, staff): `ready` on connect (position, whether changes were missed since Last-Event-ID, how many cases wait for the caller), `case` when a case the caller may see arrived or moved (id, stage, centreId, status), `waiting` when that count changed, `end` when the sign-in ended; a comment line as heartbeat',
      tags: ['cases'],
      auth: 'required',
      responses: {
        200: { description: 'The event stream; it stays open', schema: z.string(), contentType: 'text/event-stream' },
        403: { description: 'Residents: live queues are for staff' },
        406: { description: 'The request does not accept text/event-stream' },
      },
      async handler(req, res) {
        const caller = callerOf(req);
        if (caller.role === 'resident') throw problems.forbidden('Live queues are for staff', STAFF_ONLY);
        if (!(req.get('accept') ?? '').includes('text/event-stream')) {
          throw new HttpProblem({ type: `${PROBLEM_BASE}/not-acceptable`, title: 'Not acceptable', status: 406, detail: 'Send Accept: text/event-stream', message: NOT_ACCEPTABLE });
        }
        if (streams.size >= ctx.config.liveStreams) {
          throw problems.unavailable(`This API process already serves ${streams.size} live streams`, Math.ceil(RETRY_MS / 1000) * 5);
        }
        await streams.open(req, res, caller);
      },
    }),
  ];
}

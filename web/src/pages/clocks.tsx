/** The case's clocks as a centre counts them: acceptance, the handling limit, a pause, supervision orders. */
import { useEffect, useState } from 'preact/hooks';
import type { CaseClocks, CaseView, Span, SupervisionOrderView } from '../api';
import { formatDate, formatDuration, TimeLeft, useApp, type AppState } from '../app';

/** "7 个工作日", "5 service minutes": a span in the reader's words. */
export function spanText(span: Span, t: AppState['t']): string {
  return span.amount === 1 ? t(`unit1.${span.unit}`) : t(`unit.${span.unit}`, { n: span.amount });
}

/** Working time as working days and hours: "2 个工作日 3小时", where a working day is the policy's service day. */
export function workingTimeText(ms: number, dayMs: number, t: AppState['t']): string {
  const days = Math.floor(ms / dayMs);
  const rest = ms - days * dayMs;
  const dayPart = days === 0 ? '' : spanText({ amount: days, unit: 'working_days' }, t);
  if (days > 0 && rest < 60_000) return dayPart;
  return [dayPart, formatDuration(rest, t)].filter(Boolean).join(' ');
}

/** The policy version a case runs under: a number for working-time policies, a string for the first release's. */
export function policyLabel(version: number | string, t: AppState['t']): string {
  return typeof version === 'number' ? t('clocks.policy', { n: version }) : t('clocks.legacyPolicy', { v: version });
}

/** A supervision order's reason: the supervisor's own words, or the automatic reason translated. */
export function orderReason(order: Pick<SupervisionOrderView, 'automatic' | 'reason'>, t: AppState['t']): string {
  return order.automatic ? t(`supervision.${order.reason}`) : order.reason;
}

function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** What the handling clock says now: running with working time left, paused, passed, or stopped. */
function HandlingState(props: { clocks: CaseClocks; level: CaseView['level'] }) {
  const { t } = useApp();
  const now = useNow();
  const h = props.clocks.handling;
  if (!h) return null;
  const left = h.remainingMs !== null ? workingTimeText(h.remainingMs, h.workingDayMs, t) : null;
  if (props.clocks.pause) {
    return (
      <span class="badge paused" data-testid="handling-paused">
        {left ? t('clocks.pausedLeft', { t: left }) : t('clocks.paused')}
      </span>
    );
  }
  if (h.deadline === null || new Date(h.deadline).getTime() < now) {
    return (
      <span class="badge overdue" data-testid="handling-passed">
        ⚠ {props.level === 'city' && h.deadline === null ? t('clocks.passedAtTop') : t('clocks.passed')}
      </span>
    );
  }
  return (
    <span class={`timeleft${h.warned ? ' soon' : ''}`} data-testid="handling-left">
      {left ? t('clocks.workingLeft', { t: left }) : ''}
      {h.warned && <span class="badge warned">{t('clocks.warned')}</span>}
    </span>
  );
}

function HandlingFacts(props: { caseView: CaseView }) {
  const { t, lang, centreName } = useApp();
  const { clocks } = props.caseView;
  const h = clocks.handling;
  if (!h) {
    return <dd class="muted">{props.caseView.stage === 'feedback' || props.caseView.stage === 'closed' ? t('clocks.signedOff') : t('time.none')}</dd>;
  }
  return (
    <dd data-testid="handling">
      <div>
        <strong data-testid="handling-limit">{spanText(h.limit, t)}</strong> <span class="muted">· {centreName(h.centreId)}</span>
      </div>
      <div>
        <HandlingState clocks={clocks} level={props.caseView.level} />
      </div>
      {h.deadline && !clocks.pause && <div class="muted small">{t('clocks.due', { at: formatDate(h.deadline, lang) })}</div>}
    </dd>
  );
}

function PauseFacts(props: { pause: NonNullable<CaseClocks['pause']> }) {
  const { t, lang } = useApp();
  const p = props.pause;
  return (
    <dd data-testid="pause">
      <div>
        <strong data-testid="pause-reason">{t(`pause.${p.reason}`)}</strong> <span class="muted small">· {t('clocks.pauseSince', { at: formatDate(p.since, lang) })}</span>
      </div>
      <div data-testid="pause-until">{t('clocks.pauseUntil', { at: formatDate(p.until, lang) })}</div>
      {p.note && (
        <div class="note" data-testid="pause-note">
          {p.note}
        </div>
      )}
    </dd>
  );
}

function OrderItem(props: { order: SupervisionOrderView }) {
  const { t, lang, centreName } = useApp();
  const o = props.order;
  const late = o.status === 'lapsed' || (o.status === 'open' && new Date(o.replyBy).getTime() < Date.now());
  return (
    <li class={`order order-${o.status}${late ? ' order-late' : ''}`} data-testid={`order-${o.id}`} data-status={o.status}>
      <div class="order-head">
        <span class={`badge sup-${o.status}`} data-testid="order-status">
          {t(`sup.status.${o.status}`)}
        </span>
        {/* The centre issues the order; the person is kept for the record (hover), not as a raw id in the text. */}
        <strong title={o.automatic ? undefined : o.by}>{t('sup.issuedBy', { centre: centreName(o.byCentreId) })}</strong>
        {o.automatic && <span class="badge">{t('sup.automatic')}</span>}
        <span class="muted small">{t('sup.issuedAt', { at: formatDate(o.issuedAt, lang) })}</span>
      </div>
      <p class="order-reason" data-testid="order-reason">
        {orderReason(o, t)}
      </p>
      <div class="small">
        {t('sup.replyBy')}: {formatDate(o.replyBy, lang)} {o.status === 'open' && <TimeLeft deadline={o.replyBy} />}
        <span class="muted"> · {t('sup.to', { centre: centreName(o.centreId) })}</span>
      </div>
      {o.reply && (
        <blockquote class="order-reply" data-testid="order-reply">
          <div>{o.reply.text}</div>
          <div class="small muted">
            {t('sup.repliedAt', { at: formatDate(o.reply.at, lang) })} ·{' '}
            {o.reply.late ? <span class="badge overdue">{t('sup.late')}</span> : <span class="badge ok">{t('sup.onTime')}</span>}
          </div>
        </blockquote>
      )}
    </li>
  );
}

/** The clocks panel of the case page. */
export function ClocksPanel(props: { caseView: CaseView }) {
  const { t, lang, session } = useApp();
  // Supervision is between centres; the complainant is told of a pause, not of orders.
  const showOrders = session?.role !== 'resident';
  const c = props.caseView;
  const clocks = c.clocks;
  return (
    <section class="card clocks" data-testid="clocks">
      <div class="card-head">
        <h2>{t('clocks.title')}</h2>
        <span class="badge policy" data-testid="policy-version">
          {policyLabel(clocks.policyVersion, t)}
        </span>
      </div>
      <dl class="facts">
        {clocks.acknowledgeBy && (
          <>
            <dt>{t('clocks.acknowledgeBy')}</dt>
            <dd data-testid="acknowledge-by">
              {formatDate(clocks.acknowledgeBy, lang)} <TimeLeft deadline={clocks.acknowledgeBy} />
            </dd>
          </>
        )}
        {clocks.workingTime && (
          <>
            <dt>{t('clocks.handling')}</dt>
            <HandlingFacts caseView={c} />
          </>
        )}
        {clocks.pause && (
          <>
            <dt>{t('clocks.pause')}</dt>
            <PauseFacts pause={clocks.pause} />
          </>
        )}
        {clocks.pausedMs > 0 && (
          <>
            <dt>{t('clocks.pausedTotal')}</dt>
            <dd>{formatDuration(clocks.pausedMs, t)}</dd>
          </>
        )}
      </dl>
      {clocks.workingTime && showOrders && (
        <>
          <h3>{t('clocks.supervisions')}</h3>
          {clocks.supervisions.length === 0 ? (
            <p class="muted small">{t('clocks.noSupervisions')}</p>
          ) : (
            <ul class="orders" data-testid="orders">
              {[...clocks.supervisions].reverse().map((order) => (
                <OrderItem key={order.id} order={order} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

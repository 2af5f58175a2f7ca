/** Notifications in the web UI: the header's badge with the unread count, the inbox page, and the delivery card of a case page. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { CaseNotifications, InboxView, NotificationSettings } from '../../src/api/views';
import { ErrorBanner, formatDate, navigate, useApp, useLoad, usePath } from './app';
import { Field, FormFooter, useSubmit } from './forms';

/** Marking read elsewhere on the page tells the badge to count again. */
const INBOX_CHANGED = 'onedoor:inbox-changed';

function inboxChanged(): void {
  window.dispatchEvent(new Event(INBOX_CHANGED));
}

/** How often the badge asks again while the page stays open. */
const BADGE_REFRESH_MS = 30_000;

/** The header's link to the inbox, with the unread count; counted again on every page change, every half minute and after marking. */
export function InboxBadge() {
  const { t, session } = useApp();
  const path = usePath();
  const [unread, setUnread] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!session) return;
    let live = true;
    api<InboxView>('GET', '/api/v1/inbox', { query: { limit: 1 } })
      .then((inbox) => live && setUnread(inbox.unread))
      .catch(() => live && setUnread(null));
    return () => {
      live = false;
    };
  }, [session?.personId, path, tick]);
  useEffect(() => {
    if (!session) return;
    const again = (): void => setTick((n) => n + 1);
    const timer = setInterval(again, BADGE_REFRESH_MS);
    window.addEventListener(INBOX_CHANGED, again);
    return () => {
      clearInterval(timer);
      window.removeEventListener(INBOX_CHANGED, again);
    };
  }, [session?.personId]);
  if (!session) return null;
  const count = unread ?? 0;
  return (
    <a
      class="inbox-badge"
      href="/notifications"
      data-testid="inbox-badge"
      data-unread={count}
      aria-label={count > 0 ? t('notify.badgeUnread', { count }) : t('notify.badge')}
      onClick={(e) => {
        e.preventDefault();
        navigate('/notifications');
      }}
    >
      {/* On a phone the bell alone (the word would push the menu button onto a row of its own); the label says it in words. */}
      <svg class="bell" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      <span class="badge-word">{t('notify.badge')}</span>
      {count > 0 && <span class="count" data-testid="inbox-unread">{count > 99 ? '99+' : count}</span>}
    </a>
  );
}

/** The signed-in person's notifications, newest first; opening one marks it read and goes to its case. */
export function NotificationsPage() {
  const { t, lang, session } = useApp();
  const loaded = useLoad(() => api<InboxView>('GET', '/api/v1/inbox', { query: { limit: 100 } }), []);
  const [error, setError] = useState<unknown>(null);
  const inbox = loaded.data;

  async function markRead(body: { ids: string[] } | { all: true }): Promise<void> {
    try {
      await api('POST', '/api/v1/inbox/read', { body });
      setError(null);
      inboxChanged();
      loaded.reload();
    } catch (failure) {
      setError(failure);
    }
  }

  return (
    <>
    <div class="card" data-testid="notifications">
      <div class="notify-head">
        <h1>{t('notify.title')}</h1>
        {inbox && (
          <span class="muted" data-testid="notifications-unread">
            {inbox.unread > 0 ? t('notify.unread', { count: inbox.unread }) : t('notify.allRead')}
          </span>
        )}
        {inbox && inbox.unread > 0 && (
          <button data-testid="mark-all-read" onClick={() => void markRead({ all: true })}>
            {t('notify.markAll')}
          </button>
        )}
      </div>
      <p class="muted small">{t(session?.role === 'resident' ? 'notify.introResident' : 'notify.intro')}</p>
      {loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={loaded.reload} />}
      {error !== null && <ErrorBanner error={error} />}
      {inbox && inbox.items.length === 0 && <p class="muted" data-testid="notifications-empty">{t('notify.none')}</p>}
      {inbox && inbox.items.length > 0 && (
        <ul class="notify-list">
          {inbox.items.map((item) => (
            <li key={item.id} class={item.read ? 'read' : 'unread'} data-testid="notification" data-kind={item.kind} data-read={String(item.read)}>
              <a
                href={`/cases/${item.caseId}`}
                onClick={(e) => {
                  e.preventDefault();
                  void (item.read ? Promise.resolve() : markRead({ ids: [item.id] })).then(() => navigate(`/cases/${item.caseId}`));
                }}
              >
                {!item.read && <span class="badge notify-new">{t('notify.new')}</span>} <span class="notify-text">{item.message[lang]}</span>
              </a>
              <time class="muted small">{formatDate(item.createdAt, lang)}</time>
            </li>
          ))}
        </ul>
      )}
    </div>
    <NotificationSettingsCard />
    </>
  );
}

/** How the person is told besides the inbox: texts to their number, e-mails to an address they give, in the language they choose. */
function SettingsForm(props: { settings: NotificationSettings }) {
  const { t } = useApp();
  const [email, setEmail] = useState(props.settings.email ?? '');
  const [language, setLanguage] = useState(props.settings.language);
  const [channels, setChannels] = useState<('sms' | 'email')[]>(props.settings.channels);
  const [saved, setSaved] = useState(false);
  const reason = (text: string): string => (/to be told by e-mail/.test(text) ? t('notify.err.emailNeeded') : /e-mail address/.test(text) ? t('notify.err.email') : text);
  const form = useSubmit(
    () => api<NotificationSettings>('POST', '/api/v1/inbox/settings', { body: { email: email.trim() === '' ? null : email.trim(), language, channels } }),
    () => setSaved(true),
    reason,
  );
  const toggle = (channel: 'sms' | 'email', on: boolean): void => {
    setSaved(false);
    setChannels((list) => (on ? [...list.filter((c) => c !== channel), channel] : list.filter((c) => c !== channel)));
  };
  return (
    <form class="form notify-settings" data-testid="notify-settings" onSubmit={(e) => void form.submit(e)}>
      <h2>{t('notify.settings')}</h2>
      <p class="muted small">{t('notify.settingsIntro')}</p>
      {saved && (
        <div class="banner ok" role="status" data-testid="notify-settings-saved">
          {t('notify.saved')}
        </div>
      )}
      <fieldset class="field" data-field="channels">
        <legend class="label">{t('notify.channels')}</legend>
        <label class="check">
          <input type="checkbox" data-testid="channel-sms" checked={channels.includes('sms')} disabled={!props.settings.phone} onChange={(e) => toggle('sms', (e.target as HTMLInputElement).checked)} />{' '}
          {props.settings.phone ? t('notify.bySms', { phone: props.settings.phone }) : t('notify.noPhone')}
        </label>
        <label class="check">
          <input type="checkbox" data-testid="channel-email" checked={channels.includes('email')} onChange={(e) => toggle('email', (e.target as HTMLInputElement).checked)} /> {t('notify.byEmail')}
        </label>
      </fieldset>
      <Field label={t('notify.email')} name="email" errors={form.errors} optional>
        <input type="email" data-testid="notify-email" value={email} maxLength={254} onInput={(e) => { setSaved(false); setEmail((e.target as HTMLInputElement).value); }} />
      </Field>
      <Field label={t('notify.language')} name="language" errors={form.errors}>
        <select data-testid="notify-language" value={language} onChange={(e) => { setSaved(false); setLanguage((e.target as HTMLSelectElement).value === 'en' ? 'en' : 'zh'); }}>
          <option value="zh">中文</option>
          <option value="en">English</option>
        </select>
      </Field>
      <FormFooter busy={form.busy} error={form.error} errors={form.errors} label={t('notify.save')} testid="notify-settings-save" />
    </form>
  );
}

function NotificationSettingsCard() {
  const loaded = useLoad(() => api<NotificationSettings>('GET', '/api/v1/inbox/settings'), []);
  return (
    <div class="card">
      {loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={loaded.reload} />}
      {loaded.data && <SettingsForm settings={loaded.data} />}
    </div>
  );
}

type Notification = CaseNotifications['items'][number];

function recipientName(n: Notification, t: ReturnType<typeof useApp>['t'], lang: 'zh' | 'en'): string {
  return t(`delivery.recipient.${n.recipient.kind}`, { name: n.recipient.name[lang] });
}

/** Staff see who was told what about the case and how each message went out: channel, attempts, delivered or failed. */
export function CaseDeliveries(props: { caseId: string }) {
  const { t, lang, session } = useApp();
  const staff = session !== null && session.role !== 'resident';
  const loaded = useLoad(() => (staff ? api<CaseNotifications>('GET', `/api/v1/cases/${props.caseId}/notifications`) : Promise.resolve(null)), [props.caseId, staff]);
  if (!staff) return null;
  const items = loaded.data?.items ?? [];
  return (
    <section class="card" data-testid="case-deliveries">
      <h2>{t('delivery.title')}</h2>
      <p class="muted small">{t('delivery.intro')}</p>
      {loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={loaded.reload} />}
      {loaded.data && items.length === 0 && <p class="muted">{t('delivery.none')}</p>}
      <ol class="deliveries">
        {[...items].reverse().map((n) => (
          <li key={n.id} data-testid="case-delivery" data-kind={n.kind} data-status={n.status}>
            <div class="delivery-head">
              <span class={`badge delivery-${n.status}`}>{t(`delivery.status.${n.status}`)}</span> <span class="delivery-text">{n.message[lang]}</span>
            </div>
            <p class="muted small">
              {t('delivery.to')} {recipientName(n, t, lang)} · {formatDate(n.createdAt, lang)}
            </p>
            {n.status !== 'waiting' && n.status !== 'sending' && n.deliveries.length === 0 && <p class="muted small">{t('delivery.inAppOnly')}</p>}
            {n.deliveries.length > 0 && (
              <ul class="delivery-sends">
                {n.deliveries.map((d) => (
                  <li key={d.key} data-testid="delivery-send" data-channel={d.channel} data-status={d.status}>
                    <span class={`badge delivery-${d.status}`}>{t(`delivery.status.${d.status}`)}</span> {t(`delivery.channel.${d.channel}`)} · {d.to.name}
                    {d.attempts > 0 && <span class="muted small"> · {d.attempts === 1 ? t('delivery.attempt1') : t('delivery.attempts', { count: d.attempts })}</span>}
                    {d.lastError && d.status !== 'delivered' && <div class="muted small delivery-error">{t('delivery.lastError', { error: d.lastError })}</div>}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

import { useState } from 'preact/hooks';
import { api, ApiError, sessionFromView, type DevPerson, type Session, type SessionView } from '../api';
import { ErrorBanner, Link, navigate, useApp, useLoad } from '../app';
import { Field, FormFooter, useSubmit } from '../forms';

export function homeFor(session: Session): string {
  switch (session.role) {
    case 'resident':
      return '/mine';
    case 'expert':
      return '/inbox';
    case 'admin':
      return '/dashboard';
    default:
      return '/queue';
  }
}

function nextPath(session: Session): string {
  const next = new URLSearchParams(location.search).get('next');
  // Only a page of ours: browsers read `/\evil.example` as another site, as they do `//evil.example`.
  return next && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : homeFor(session);
}

/** Single sign-on leaves the app for the provider; the server brings the browser back to the page it was going to. */
function ssoHref(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? `/api/v1/session/oidc/start?next=${encodeURIComponent(next)}` : '/api/v1/session/oidc/start';
}

/** After any sign-in: the session the server opened, then the page the person was going to. */
function useFinishSignIn(): (view: SessionView) => void {
  const { signIn } = useApp();
  return (view) => {
    const session = sessionFromView(view);
    if (!session) throw new Error('the server opened no session');
    signIn(session);
    navigate(nextPath(session), true);
  };
}

export function SignInPage() {
  const { t, ways: known } = useApp();
  const params = new URLSearchParams(location.search);
  const [mode, setMode] = useState<'staff' | 'resident'>(params.get('as') === 'resident' ? 'resident' : 'staff');
  const ssoError = params.get('sso');
  // Which ways in this deployment offers: known from the app's session answer, asked again only when that answer was a refusal
  // (an ended cookie); meanwhile the password form, which every deployment has.
  const ways = useLoad(() => (known ? Promise.resolve(known) : api<SessionView>('GET', '/api/v1/session', { auth: false }).then((view) => view.ways ?? null)), [known]).data;
  return (
    <div class="card form narrow" data-testid="signin">
      <h1>{t('signin.title')}</h1>
      {params.get('expired') === '1' && <div class="banner warn">{t('signin.expired')}</div>}
      {ssoError && <div class="banner error" role="alert">{t('signin.ssoFailed')}</div>}
      {ways?.code !== false && <div class="tabs" role="tablist">
        <button role="tab" aria-selected={mode === 'staff'} class={mode === 'staff' ? 'tab active' : 'tab'} data-testid="tab-staff" onClick={() => setMode('staff')}>
          {t('signin.staff')}
        </button>
        <button role="tab" aria-selected={mode === 'resident'} class={mode === 'resident' ? 'tab active' : 'tab'} data-testid="tab-resident" onClick={() => setMode('resident')}>
          {t('signin.resident')}
        </button>
      </div>}
      {mode === 'staff' || ways?.code === false ? <PasswordForm sso={ways?.sso === true} /> : <CodeForm />}
      {ways?.development && (
        <p class="small">
          <Link href={`/dev${location.search}`} data-testid="dev-link">
            {t('signin.dev')} →
          </Link>
        </p>
      )}
    </div>
  );
}

function PasswordForm(props: { sso: boolean }) {
  const { t } = useApp();
  const finish = useFinishSignIn();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const form = useSubmit(() => api<SessionView>('POST', '/api/v1/session/password', { body: { username, password }, auth: false }), finish);
  return (
    <form noValidate onSubmit={form.submit} data-testid="password-form">
      <Field label={t('signin.username')} name="username" errors={form.errors}>
        <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
      </Field>
      <Field label={t('signin.password')} name="password" errors={form.errors}>
        <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
      </Field>
      <FormFooter busy={form.busy} error={form.error} errors={form.errors} label={t('signin.submit')} testid="password-submit" />
      {props.sso && (
        <p class="small">
          <a href={ssoHref()} data-testid="sso-link">
            {t('signin.sso')} →
          </a>
        </p>
      )}
    </form>
  );
}

function CodeForm() {
  const { t, lang } = useApp();
  const finish = useFinishSignIn();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState<{ sentTo: string; expiresAt: string } | null>(null);
  const request = useSubmit(() => api<{ sentTo: string; expiresAt: string }>('POST', '/api/v1/session/code/request', { body: { phone, lang }, auth: false }), setSent);
  const verify = useSubmit(() => api<SessionView>('POST', '/api/v1/session/code', { body: { phone, code }, auth: false }), finish);
  if (!sent) {
    return (
      <form noValidate onSubmit={request.submit} data-testid="code-request-form">
        <Field label={t('signin.phone')} name="phone" errors={request.errors} hint={t('signin.phoneHint')}>
          <input name="phone" type="tel" inputMode="tel" autocomplete="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} required />
        </Field>
        <FormFooter busy={request.busy} error={request.error} errors={request.errors} label={t('signin.sendCode')} testid="code-request-submit" />
      </form>
    );
  }
  return (
    <form noValidate onSubmit={verify.submit} data-testid="code-form">
      <div class="banner info" data-testid="code-sent">
        {t('signin.codeSent', { phone: sent.sentTo })}
      </div>
      <Field label={t('signin.code')} name="code" errors={verify.errors}>
        <input name="code" inputMode="numeric" autocomplete="one-time-code" maxLength={6} value={code} onInput={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))} required />
      </Field>
      <FormFooter busy={verify.busy} error={verify.error} errors={verify.errors} label={t('signin.submit')} testid="code-submit" />
      <p class="small">
        <button
          type="button"
          class="link"
          data-testid="code-again"
          onClick={() => {
            setSent(null);
            setCode('');
          }}
        >
          {t('signin.codeAgain')}
        </button>
      </p>
    </form>
  );
}

export function DevSignInPage() {
  const { t, centreName } = useApp();
  const finish = useFinishSignIn();
  const people = useLoad(() => api<{ items: DevPerson[] }>('GET', '/api/v1/dev/people', { auth: false }), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const choose = async (person: DevPerson) => {
    setBusy(person.id);
    setError(null);
    try {
      finish(await api<SessionView>('POST', '/api/v1/dev/sign-in', { body: { personId: person.id }, auth: false }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  const groups = new Map<string, DevPerson[]>();
  for (const p of people.data?.items ?? []) groups.set(p.role, [...(groups.get(p.role) ?? []), p]);
  const notFound = people.error instanceof ApiError && people.error.problem.status === 404;
  return (
    <div class="card" data-testid="dev-signin">
      <h1>{t('dev.title')}</h1>
      {notFound ? <p>{t('dev.disabled')}</p> : <p class="muted">{t('dev.intro')}</p>}
      {!notFound && (
        <p class="small">
          <Link href="/dev/sms" data-testid="dev-sms-link">
            {t('dev.smsOutbox')} →
          </Link>
        </p>
      )}
      {!notFound && <ErrorBanner error={people.error} onRetry={people.reload} />}
      <ErrorBanner error={error} />
      {[...groups.entries()].map(([role, list]) => (
        <section key={role}>
          <h2>{t(`role.${role}`)}</h2>
          <ul class="people">
            {list.map((p) => (
              <li key={p.id}>
                <button class="person" data-testid={`signin-${p.id}`} disabled={busy !== ''} onClick={() => void choose(p)}>
                  <strong>{p.name}</strong>
                  <span class="muted small">
                    {p.title ? `${p.title} · ` : ''}
                    {centreName(p.centreId)}
                  </span>
                  <code class="small">{p.id}</code>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** Development: the text messages that would have been sent, so a code can be read without a phone. */
export function DevSmsPage() {
  const { t, lang } = useApp();
  const messages = useLoad(() => api<{ items: { to: string; text: string; sentAt: string }[] }>('GET', '/api/v1/dev/sms', { auth: false }), []);
  const notFound = messages.error instanceof ApiError && messages.error.problem.status === 404;
  return (
    <div class="card" data-testid="dev-sms">
      <h1>{t('dev.smsOutbox')}</h1>
      {notFound ? <p>{t('dev.disabled')}</p> : <p class="muted">{t('dev.smsIntro')}</p>}
      {!notFound && <ErrorBanner error={messages.error} onRetry={messages.reload} />}
      <div class="buttons">
        <button type="button" onClick={messages.reload} data-testid="dev-sms-reload">
          {t('dev.smsReload')}
        </button>
      </div>
      {messages.data && messages.data.items.length === 0 && <p class="muted">{t('dev.smsNone')}</p>}
      <ul class="sms-list">
        {messages.data?.items.map((m) => (
          <li key={`${m.sentAt}-${m.to}`} data-testid="sms-message">
            <div class="small muted">
              {m.to} · {new Date(m.sentAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB')}
            </div>
            <div>{m.text}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}

import { useState } from 'preact/hooks';
import { api, sessionFromToken, type DevPerson, type Session } from '../api';
import { ErrorBanner, Link, navigate, useApp, useLoad } from '../app';
import { Field } from '../forms';

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
  return next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(session);
}

export function SignInPage() {
  const { t, signIn } = useApp();
  const [token, setToken] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const expired = new URLSearchParams(location.search).get('expired') === '1';
  return (
    <form
      class="card form narrow"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const session = sessionFromToken(token);
        if (!session) {
          setErrors({ token: t('signin.badToken') });
          return;
        }
        signIn(session);
        navigate(nextPath(session), true);
      }}
    >
      <h1>{t('signin.title')}</h1>
      {expired && <div class="banner warn">{t('signin.expired')}</div>}
      <Field label={t('signin.token')} name="token" errors={errors} hint={t('signin.tokenHint')}>
        <textarea name="token" rows={4} value={token} onInput={(e) => setToken(e.currentTarget.value)} spellcheck={false} />
      </Field>
      <div class="buttons">
        <button type="submit" class="primary">
          {t('signin.submit')}
        </button>
      </div>
      <p>
        <Link href={`/dev${location.search}`} data-testid="dev-link">
          {t('signin.dev')} →
        </Link>
      </p>
    </form>
  );
}

export function DevSignInPage() {
  const { t, signIn, centreName } = useApp();
  const people = useLoad(() => api<{ items: DevPerson[] }>('GET', '/api/v1/dev/people', { auth: false }), []);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const choose = async (person: DevPerson) => {
    setBusy(person.id);
    setError(null);
    try {
      const res = await api<{ token: string; person: DevPerson }>('POST', '/api/v1/dev/token', { body: { personId: person.id }, auth: false });
      const session = sessionFromToken(res.token, res.person.name);
      if (!session) throw new Error('bad token from the server');
      signIn(session);
      navigate(nextPath(session), true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  const groups = new Map<string, DevPerson[]>();
  for (const p of people.data?.items ?? []) groups.set(p.role, [...(groups.get(p.role) ?? []), p]);
  const notFound = people.error && (people.error as { problem?: { status: number } }).problem?.status === 404;
  return (
    <div class="card" data-testid="dev-signin">
      <h1>{t('dev.title')}</h1>
      {notFound ? <p>{t('dev.disabled')}</p> : <p class="muted">{t('dev.intro')}</p>}
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

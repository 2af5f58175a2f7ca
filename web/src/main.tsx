import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { AppProvider, Boundary, Link, navigate, useApp, usePath } from './app';
import { useDepartmentName } from './departments';
import { AuditPage } from './pages/audit';
import { CasePage } from './pages/case';
import { DashboardPage } from './pages/dashboard';
import { InboxPage, MyCasesPage, QueuePage } from './pages/lists';
import { PolicyPage } from './pages/policy';
import { ReportPage } from './pages/report';
import { DevSignInPage, DevSmsPage, homeFor, SignInPage } from './pages/signin';
import { TimelinePage } from './pages/timeline';
import { MapPage } from './pages/map';
import { AdminOpen311KeysPage } from './pages/admin/open311-keys';
import { AdminPeoplePage, AdminPersonPage } from './pages/admin/people';
import { AdminCentresPage } from './pages/admin/centres';
import { AdminDepartmentsPage } from './pages/admin/departments';
import { useLiveSession, WaitingBadge } from './live';
import { InboxBadge, NotificationsPage } from './notifications';

function Header() {
  const { t, lang, setLang, session, signOut, centreName } = useApp();
  const departmentName = useDepartmentName();
  const [menu, setMenu] = useState(false);
  useLiveSession();
  const role = session?.role;
  const links: [string, string][] = [];
  if (!session || role === 'resident' || role === 'grid_worker' || role === 'mediator' || role === 'admin') links.push(['/report', t('nav.report')]);
  if (role === 'resident' || role === 'grid_worker') links.push(['/mine', t('nav.myCases')]);
  if (role === 'grid_worker' || role === 'mediator' || role === 'admin') links.push(['/queue', t('nav.queue')]);
  if (role === 'expert') links.push(['/inbox', t('nav.inbox')]);
  // Department staff do the task a centre hands them: their list is all they need, no reporting or statistics.
  if (role === 'department') links.push(['/queue', t('nav.tasks')]);
  if (role === 'admin' || role === 'mediator' || role === 'grid_worker') links.push(['/dashboard', t('nav.dashboard')]);
  if (role === 'admin' || role === 'mediator' || role === 'grid_worker') links.push(['/map', t('nav.map')]);
  // Staff who work to the deadlines read them; the city's administrators edit them there.
  if (role === 'admin' || role === 'mediator' || role === 'grid_worker') links.push(['/deadline-policy', t('nav.policy')]);
  if (role === 'admin') links.push(['/audit', t('nav.audit')]);
  if (role === 'admin') links.push(['/admin', t('nav.admin')]);
  return (
    <header class="top">
      <div class="brand">
        <Link href="/">
          <span class="logo">⌂</span> {t('app.name')}
        </Link>
        <span class="slogan">{t('app.slogan')}</span>
      </div>
      <InboxBadge />
      {/* Who is signed in, signing out and the language: on the first row on a desktop, in the menu on a phone. */}
      <div class={menu ? 'account open' : 'account'} onClick={() => setMenu(false)}>
        {session ? (
          <>
            <span class="who" data-testid="who">
              {session.name ?? session.personId} · {t(`role.${session.role}`)}
              {session.departmentId ? ` · ${departmentName(session.departmentId)}` : session.centreId && session.role !== 'resident' ? ` · ${centreName(session.centreId)}` : ''}
            </span>
            <button
              class="link"
              data-testid="signout"
              onClick={() => {
                void signOut().then(() => navigate('/signin'));
              }}
            >
              {t('nav.signOut')}
            </button>
          </>
        ) : (
          <Link href="/signin" data-testid="nav-signin">
            {t('nav.signIn')}
          </Link>
        )}
        <button class="lang" data-testid="lang-toggle" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('nav.lang')}
        </button>
      </div>
      <button class="menu-toggle" aria-expanded={menu} onClick={() => setMenu(!menu)}>
        ☰ {t('nav.menu')}
      </button>
      <nav class={menu ? 'open' : ''} onClick={() => setMenu(false)}>
        {links.map(([href, label]) => (
          <Link key={href} href={href} data-testid={`nav-${href.slice(1)}`}>
            {label}
            {(href === '/queue' || href === '/inbox') && <WaitingBadge />}
          </Link>
        ))}
      </nav>
    </header>
  );
}

function Redirect(props: { to: string }) {
  useEffect(() => navigate(props.to, true), [props.to]);
  return null;
}

function Home() {
  const { t, session } = useApp();
  if (session) return <Redirect to={homeFor(session)} />;
  return (
    <div class="card hero">
      <h1>{t('home.title')}</h1>
      <p class="slogan-big">{t('app.slogan')}</p>
      <ul>
        <li>{t('home.resident')}</li>
        <li>{t('home.staff')}</li>
      </ul>
      <p>{t('home.signInFirst')}</p>
      <div class="buttons">
        <Link class="button primary" href="/signin">
          {t('nav.signIn')}
        </Link>
        <Link class="button" href="/dev">
          {t('nav.devSignIn')}
        </Link>
      </div>
    </div>
  );
}

function NeedsSignIn(props: { children: preact.ComponentChildren }) {
  const { session } = useApp();
  if (!session) return <Redirect to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} />;
  return <>{props.children}</>;
}

function Page() {
  const path = usePath();
  const { t, sessionKnown } = useApp();
  // Pages start from who is signed in (a report form prefills the resident's name): wait for the server to say.
  if (!sessionKnown) return <div class="card muted" data-testid="session-loading">…</div>;
  const pathname = path.split('?')[0] ?? '/';
  let match: RegExpMatchArray | null;
  let page;
  if (pathname === '/' || pathname === '') page = <Home />;
  else if (pathname === '/signin') page = <SignInPage />;
  else if (pathname === '/dev') page = <DevSignInPage />;
  else if (pathname === '/dev/sms') page = <DevSmsPage />;
  else if (pathname === '/report') page = <ReportPage />;
  else if (pathname === '/mine') page = <NeedsSignIn><MyCasesPage /></NeedsSignIn>;
  else if (pathname === '/queue') page = <NeedsSignIn><QueuePage /></NeedsSignIn>;
  else if (pathname === '/inbox') page = <NeedsSignIn><InboxPage /></NeedsSignIn>;
  else if (pathname === '/notifications') page = <NeedsSignIn><NotificationsPage /></NeedsSignIn>;
  else if (pathname === '/dashboard') page = <NeedsSignIn><DashboardPage /></NeedsSignIn>;
  else if (pathname === '/map') page = <NeedsSignIn><MapPage /></NeedsSignIn>;
  else if (pathname === '/deadline-policy') page = <NeedsSignIn><PolicyPage /></NeedsSignIn>;
  else if (pathname === '/audit') page = <NeedsSignIn><AuditPage /></NeedsSignIn>;
  else if (pathname === '/admin') page = <NeedsSignIn><AdminPeoplePage /></NeedsSignIn>;
  else if (pathname === '/admin/people/new') page = <NeedsSignIn><AdminPersonPage id={null} /></NeedsSignIn>;
  else if ((match = /^\/admin\/people\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})$/.exec(pathname))) page = <NeedsSignIn><AdminPersonPage id={match[1] as string} /></NeedsSignIn>;
  else if (pathname === '/admin/centres') page = <NeedsSignIn><AdminCentresPage /></NeedsSignIn>;
  else if (pathname === '/admin/departments') page = <NeedsSignIn><AdminDepartmentsPage /></NeedsSignIn>;
  else if (pathname === '/admin/open311-keys') page = <NeedsSignIn><AdminOpen311KeysPage /></NeedsSignIn>;
  else if ((match = /^\/cases\/(case_[0-9a-f]{24})\/timeline$/.exec(pathname))) page = <NeedsSignIn><TimelinePage id={match[1] as string} /></NeedsSignIn>;
  else if ((match = /^\/cases\/(case_[0-9a-f]{24})$/.exec(pathname))) page = <NeedsSignIn><CasePage id={match[1] as string} /></NeedsSignIn>;
  else page = <div class="card"><h1>{t('err.notFound')}</h1><Link href="/">⌂</Link></div>;
  return <Boundary key={pathname}>{page}</Boundary>;
}

function App() {
  return (
    <AppProvider>
      <Header />
      <main>
        <Page />
      </main>
    </AppProvider>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}

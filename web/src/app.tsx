// The shell: sign-in, the session (timeout warning, sign-out), role-aware
// navigation, and the screens by route.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, setApiListeners, type Me } from './api';
import { ApiError } from './lib/errors';
import { fallbackOrganisation, organisationToday, type Organisation } from './lib/organisation';

import { countdown, countdownWords } from './lib/format';
import { sessionState, type SessionClock } from './lib/session';
import { forgetPatients } from './patients';
import { forgetSearch } from './screens/PatientSearch';
import { match, navigate, useLocation } from './router';
import { can, ROLE_LABELS, SessionContext } from './session';
import { Dialog, ErrorMessage, Field, Link, Loading, fieldError } from './components/ui';
import { MyDay } from './screens/MyDay';
import { TeamWorklist } from './screens/TeamWorklist';
import { PatientSearch } from './screens/PatientSearch';
import { PatientView } from './screens/PatientView';
import { Reports } from './screens/Reports';
import { Supervision } from './screens/Supervision';
import { MyDocumentation } from './screens/MyDocumentation';

type Phase =
  | { kind: 'checking' }
  | { kind: 'signed-out'; message: string | null }
  | { kind: 'signed-in'; user: Me; org: Organisation; orgReadAt: number; orgError: unknown };

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'checking' });
  const clock = useRef<SessionClock | null>(null);

  const endLocally = useCallback((message: string | null) => {
    clock.current = null;
    forgetPatients();
    forgetSearch();
    setPhase({ kind: 'signed-out', message });
  }, []);

  useEffect(() => {
    setApiListeners(
      () => {
        if (clock.current) clock.current.lastActivity = Date.now();
      },
      () => {
        if (clock.current) endLocally('Your session has ended. Sign in again to continue.');
      },
    );
    api
      .me()
      .then((me) => startSession(me))
      .catch(() => setPhase({ kind: 'signed-out', message: null }));
  }, []);

  // The organisation (its time zone, today, programs and payers) is read once
  // per session, before the screens, and kept in memory only.
  const startSession = async (me: Me) => {
    clock.current = { lastActivity: Date.now(), idleTimeoutSeconds: me.idle_timeout_seconds, expiresAt: Date.parse(me.expires_at) };
    setPhase({ kind: 'checking' });
    let org: Organisation;
    let orgError: unknown = null;
    try {
      org = await api.organisation();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return; // the listener has signed out
      org = fallbackOrganisation();
      orgError = e;
    }
    if (!clock.current) return;
    setPhase({ kind: 'signed-in', user: me, org, orgReadAt: Date.now(), orgError });
  };

  const signOut = useCallback(async (reason?: string) => {
    try {
      await api.logout();
    } catch {
      // the session may already be gone; sign out locally all the same
    }
    endLocally(reason ?? 'You have signed out.');
  }, []);

  if (phase.kind === 'checking') return <Loading what="casekeeper" />;
  if (phase.kind === 'signed-out') return <SignIn message={phase.message} onSignedIn={startSession} />;
  const { org, orgReadAt } = phase;
  const today = () => organisationToday(org, orgReadAt, Date.now());
  return (
    <SessionContext.Provider value={{ user: phase.user, signOut, org, today }}>
      <Shell user={phase.user} signOut={signOut} orgError={phase.orgError} />
      <TimeoutWarning
        clock={clock}
        onEnded={() => {
          const minutes = Math.round(phase.user.idle_timeout_seconds / 60);
          clock.current = null;
          // The server has ended it too; make sure, whatever the clocks say.
          api.logout().catch(() => undefined);
          endLocally(`You were signed out after ${minutes} minutes without activity. Sign in again to continue.`);
        }}
        signOut={signOut}
      />
    </SessionContext.Provider>
  );
}

function SignIn(props: { message: string | null; onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = 'Sign in — casekeeper';
    heading.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const a = await api.login(username.trim(), password);
      props.onSignedIn({ ...a.user, expires_at: a.expires_at, idle_timeout_seconds: a.idle_timeout_seconds });
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="signin" id="main">
      <form class="card signin-card" onSubmit={submit} noValidate>
        <h1 ref={heading} tabIndex={-1}>
          Sign in to casekeeper
        </h1>
        {props.message ? (
          <p class="notice" role="status">
            {props.message}
          </p>
        ) : null}
        <ErrorMessage error={error} />
        <Field id="username" label="Username" error={fieldError(error, 'username')}>
          {(a) => <input {...a} name="username" autoComplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />}
        </Field>
        <Field id="password" label="Password" error={fieldError(error, 'password')}>
          {(a) => (
            <input {...a} name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">All data in casekeeper demos is synthetic.</p>
      </form>
    </main>
  );
}

function TimeoutWarning(props: { clock: { current: SessionClock | null }; onEnded: () => void; signOut: () => void }) {
  const [, tick] = useState(0);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const t = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(t);
  }, []);
  const c = props.clock.current;
  if (!c) return null;
  const st = sessionState(c, Date.now());
  if (st.ended) {
    // After this render: the server has ended the session too.
    queueMicrotask(props.onEnded);
    return null;
  }
  if (!st.warn) return null;
  const stay = async () => {
    setError(null);
    try {
      await api.me();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog title="Your session is about to end" onClose={stay}>
      <div role="timer" aria-live="off" class="countdown" aria-label={`${countdownWords(st.remainingSeconds)} left`}>
        {countdown(st.remainingSeconds)}
      </div>
      {st.limit === 'idle' ? (
        <p>For the patients' privacy, casekeeper signs you out after a while without activity. Anything not saved will be lost.</p>
      ) : (
        <p>Your session reaches its maximum length and cannot be extended. Save your work and sign in again.</p>
      )}
      <ErrorMessage error={error} />
      <div class="actions">
        {st.limit === 'idle' ? (
          <button type="button" class="primary" onClick={stay}>
            Stay signed in
          </button>
        ) : null}
        <button type="button" onClick={() => props.signOut()}>
          Sign out now
        </button>
      </div>
    </Dialog>
  );
}

function Shell(props: { user: Me; signOut: (reason?: string) => void; orgError: unknown }) {
  const loc = useLocation();
  const role = props.user.role;
  const nav: { href: string; label: string; active: boolean }[] = [];
  if (can.worklist(role)) nav.push({ href: '/', label: 'My day', active: loc.path === '/' });
  if (can.teamWorklist(role)) nav.push({ href: '/team', label: 'Team worklist', active: loc.path === '/team' });
  if (can.supervise(role)) nav.push({ href: '/supervision', label: 'Supervision', active: loc.path === '/supervision' });
  if (can.patients(role)) nav.push({ href: '/patients', label: 'Patients', active: loc.path.startsWith('/patients') });
  if (can.ownDocumentation(role)) nav.push({ href: '/documentation', label: 'My documentation', active: loc.path === '/documentation' });
  if (can.reports(role)) nav.push({ href: '/reports', label: 'Reports', active: loc.path === '/reports' });

  // Move focus to the new screen's heading for keyboard and screen reader users.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const h = document.querySelector<HTMLElement>('main h1');
    h?.focus();
  }, [loc.path]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to main content
      </a>
      <header class="topbar">
        <span class="brand">casekeeper</span>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.active ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {props.user.display_name} <span class="muted">· {ROLE_LABELS[role]}</span>
          </span>
          <button type="button" onClick={() => props.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" class="content">
        {props.orgError ? (
          <ErrorMessage error={props.orgError}>
            <p>The organisation's programs, payers and time zone could not be read, so dates use this computer's clock and time zone. Sign in again to retry.</p>
          </ErrorMessage>
        ) : null}
        <Screen path={loc.path} query={loc.query} role={role} />
      </main>
    </>
  );
}

function Screen(props: { path: string; query: URLSearchParams; role: Me['role'] }) {
  const { path, role } = props;
  if (path === '/' || path === '/index.html') {
    if (can.worklist(role)) return <MyDay />;
    if (can.patients(role)) return <Redirect to="/patients" />;
    return <NoScreens />;
  }
  if (path === '/team' && can.teamWorklist(role)) return <TeamWorklist />;
  if (path === '/supervision' && can.supervise(role)) return <Supervision view={props.query.get('view')} />;
  if (path === '/documentation' && can.ownDocumentation(role)) return <MyDocumentation />;
  if (path === '/patients' && can.patients(role)) return <PatientSearch />;
  if (path === '/reports' && can.reports(role)) return <Reports view={props.query.get('view')} />;
  const m = match('/patients/:id', path);
  if (m && can.patients(role)) {
    const id = (k: string) => {
      const v = props.query.get(k);
      return v && /^\d+$/.test(v) ? Number(v) : null;
    };
    return (
      <PatientView
        patientId={m.id as number}
        caseId={id('case')}
        tab={props.query.get('tab') ?? 'timeline'}
        focus={{ auth: id('auth'), appeal: id('appeal'), barrier: id('barrier'), referral: id('referral'), assessment: id('assessment'), stay: id('stay') }}
      />
    );
  }
  return <NotFound />;
}

function Redirect(props: { to: string }) {
  useEffect(() => navigate(props.to, { replace: true }), [props.to]);
  return null;
}

function NoScreens() {
  useEffect(() => {
    document.title = 'casekeeper';
  }, []);
  return (
    <section>
      <h1 tabIndex={-1}>Welcome</h1>
      <p>The web app has no screens for your role yet. Administration is done with the API and the command line (see docs/api.md).</p>
    </section>
  );
}

function NotFound() {
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        This page does not exist or your role cannot open it. <Link href="/">Go to the start page</Link>.
      </p>
    </section>
  );
}



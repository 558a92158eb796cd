import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, storedKey, storeKey, whoami, type Identity } from './api.ts';
import { AuditPage } from './pages/audit.tsx';
import { GraphPage } from './pages/graph.tsx';
import { SearchPage } from './pages/search.tsx';
import { TerminationPage, TerminationsPage } from './pages/terminations.tsx';
import { UserPage } from './pages/user.tsx';
import { ErrorMessage, href } from './ui.tsx';
import './styles.css';

interface Route {
  readonly path: string[];
  readonly query: URLSearchParams;
}

function currentRoute(): Route {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function SignIn({ onSignedIn, initialError }: { onSignedIn: (identity: Identity) => void; initialError: unknown }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(initialError);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const identity = await whoami(key.trim());
      storeKey(identity.key);
      onSignedIn(identity);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Killswitch console</h1>
      <p>Sign in with your tenant’s API key. It is kept for this tab only and sent to the ledger as a bearer token.</p>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        <button type="submit" disabled={busy || key.trim().length === 0}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ErrorMessage error={error} />
    </main>
  );
}

function Header({ api, onSignOut }: { api: Api; onSignOut: () => void }) {
  const [query, setQuery] = useState('');
  return (
    <header class="top">
      <a class="brand" href="#/">
        Killswitch
      </a>
      <nav aria-label="Main">
        <a href="#/">Find</a>
        <a href="#/terminations">Terminations</a>
        {api.can('audit') && <a href="#/audit">Audit</a>}
      </nav>
      <form
        role="search"
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (query.trim()) location.hash = href('/search', { q: query.trim() });
        }}
      >
        <label for="global-search" class="visually-hidden">
          Find a user, session, device, agent or token
        </label>
        <input
          id="global-search"
          type="search"
          placeholder="User id, email, IdP subject, session, device, agent or token id"
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Find</button>
      </form>
      <div class="who" aria-label="Signed in as">
        <span>
          {api.identity.tenant} · {api.identity.keyName}
        </span>
        <span class="roles">{api.identity.roles.join(', ')}</span>
        <button type="button" class="link" onClick={onSignOut}>
          Leave the console
        </button>
      </div>
    </header>
  );
}

function Page({ api, route }: { api: Api; route: Route }) {
  const [first, second, third] = route.path;
  switch (first) {
    case undefined:
    case 'search':
      return <SearchPage api={api} query={route.query.get('q') ?? ''} />;
    case 'user':
      return <UserPage api={api} userId={second ?? ''} />;
    case 'graph':
      return <GraphPage api={api} type={second ?? 'user'} id={third ?? ''} query={route.query} />;
    case 'terminations':
      return <TerminationsPage api={api} query={route.query} />;
    case 'termination':
      return <TerminationPage api={api} terminationId={second ?? ''} />;
    case 'audit':
      return <AuditPage api={api} />;
    default:
      return (
        <p role="alert" class="error">
          There is no page at “{location.hash}”. <a href="#/">Go to Find.</a>
        </p>
      );
  }
}

function App() {
  const route = useRoute();
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [signInError, setSignInError] = useState<unknown>(null);
  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    whoami(key).then(
      (found) => {
        setIdentity(found);
        setRestoring(false);
      },
      (error: unknown) => {
        storeKey(null);
        setSignInError(error);
        setRestoring(false);
      },
    );
  }, []);
  if (restoring) return <p role="status">Signing in…</p>;
  if (!identity) return <SignIn onSignedIn={setIdentity} initialError={signInError} />;
  const api = new Api(identity);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <Header
        api={api}
        onSignOut={() => {
          storeKey(null);
          setIdentity(null);
        }}
      />
      <main id="main" tabIndex={-1}>
        <Page api={api} route={route} />
      </main>
    </>
  );
}

/** Whatever fails while rendering is shown in words, never as a blank page. */
addEventListener('error', (event) => showFatal(event.error ?? event.message));
addEventListener('unhandledrejection', (event) => showFatal(event.reason));
function showFatal(error: unknown) {
  const box = document.getElementById('fatal') ?? document.body.appendChild(Object.assign(document.createElement('p'), { id: 'fatal' }));
  box.setAttribute('role', 'alert');
  box.className = 'error';
  box.textContent = `Something went wrong in the console: ${error instanceof Error ? error.message : String(error)}. Reload the page to try again.`;
}

render(<App />, document.getElementById('app') as HTMLElement);

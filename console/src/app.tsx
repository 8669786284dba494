import { useState } from 'react';
import { SignInPage } from './auth/sign-in-page.js';
import { forgetToken, readClaims, readToken } from './auth/token-store.js';
import { ConfigPage } from './configs/config-page.js';
import { ConfigsPage } from './configs/configs-page.js';
import { NewConfigPage } from './configs/new-config-page.js';
import { EventPage } from './events/event-page.js';
import { EventsPage } from './events/events-page.js';
import { OverviewPage } from './overview/overview-page.js';
import { navigate, useHashRoute } from './ui/use-hash-route.js';

const sections = [
  { path: '', label: 'Overview' },
  { path: 'events', label: 'Events' },
  { path: 'configs', label: 'Configurations' },
] as const;

export function App() {
  const route = useHashRoute();
  const [token, setToken] = useState(readToken);
  if (!token || route[0] === 'sign-in') {
    return (
      <SignInPage
        onSignedIn={() => {
          setToken(readToken());
          navigate('/');
        }}
      />
    );
  }
  const claims = readClaims(token);
  const signOut = () => {
    forgetToken();
    setToken(undefined);
  };
  return (
    <>
      {/* A button, not a link: the fragment is the page's route. */}
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header>
        <span className="brand">bpm-webhooks</span>
        <nav aria-label="Sections">
          {sections.map((section) => (
            <a
              key={section.label}
              href={`#/${section.path}`}
              aria-current={(route[0] ?? '') === section.path ? 'page' : undefined}
            >
              {section.label}
            </a>
          ))}
        </nav>
        <span className="who">
          {claims?.subject} <small>({claims?.permissions.join(' ') || 'no permissions'})</small>
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { readonly route: readonly string[] }) {
  const [section, id] = route;
  switch (section) {
    case undefined:
      return <OverviewPage />;
    case 'events':
      return id ? <EventPage id={BigInt(id)} /> : <EventsPage />;
    case 'configs':
      if (id === 'new') return <NewConfigPage />;
      return id ? <ConfigPage id={BigInt(id)} /> : <ConfigsPage />;
    default:
      return <p>There is no page at #/{route.join('/')}.</p>;
  }
}

import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { SignInPage } from './auth/sign-in-page.js';
import { forgetToken, readClaims, readToken } from './auth/token-store.js';
import { ConfigPage } from './configs/config-page.js';
import { ConfigsPage } from './configs/configs-page.js';
import { NewConfigPage } from './configs/new-config-page.js';
import { EventPage } from './events/event-page.js';
import { EventsPage } from './events/events-page.js';
import { OverviewPage } from './overview/overview-page.js';
import { DefinitionPage } from './processes/definition-page.js';
import { InstancePage } from './processes/instance-page.js';
import { ProcessesPage } from './processes/processes-page.js';
import { navigate, useHashRoute } from './ui/use-hash-route.js';

const sections = [
  { path: '', label: 'Overview' },
  { path: 'events', label: 'Events' },
  { path: 'configs', label: 'Configurations' },
  { path: 'processes', label: 'Processes' },
] as const;

export function App() {
  const route = useHashRoute();
  const [token, setToken] = useState(readToken);
  const queryClient = useQueryClient();
  if (!token || route[0] === 'sign-in') {
    return (
      <SignInPage
        onSignedIn={() => {
          // Nothing read with the previous token is shown to the next one.
          queryClient.clear();
          setToken(readToken());
          navigate('/');
        }}
      />
    );
  }
  const claims = readClaims(token);
  const signOut = () => {
    forgetToken();
    queryClient.clear();
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
  const [section, first, second] = route;
  switch (section) {
    case undefined:
      return <OverviewPage />;
    case 'events':
      if (first === undefined) return <EventsPage />;
      if (isId(first)) return <EventPage id={BigInt(first)} />;
      break;
    case 'configs':
      if (first === undefined) return <ConfigsPage />;
      if (first === 'new') return <NewConfigPage />;
      if (isId(first)) return <ConfigPage id={BigInt(first)} />;
      break;
    case 'processes':
      if (first === undefined) return <ProcessesPage />;
      if (first === 'definitions' && isId(second)) return <DefinitionPage id={BigInt(second)} />;
      if (first === 'instances' && isId(second)) return <InstancePage id={BigInt(second)} />;
      break;
  }
  return <p>There is no page at #/{route.join('/')}.</p>;
}

function isId(text: string | undefined): text is string {
  return text !== undefined && /^\d{1,18}$/.test(text);
}

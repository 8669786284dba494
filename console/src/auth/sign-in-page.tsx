import { type FormEvent, useState } from 'react';
import { readClaims, saveToken } from './token-store.js';

/** Paste a bearer token; it is kept for this tab only. */
export function SignInPage({ onSignedIn }: { readonly onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    const claims = readClaims(trimmed);
    if (!claims) {
      setProblem('This is not a JSON Web Token (three dot-separated parts).');
      return;
    }
    if (claims.expiresAt && claims.expiresAt.getTime() < Date.now()) {
      setProblem(`This token expired at ${claims.expiresAt.toLocaleString()}.`);
      return;
    }
    saveToken(trimmed);
    onSignedIn();
  };
  return (
    <main className="sign-in">
      <h1>bpm-webhooks console</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">Bearer token</label>
        <textarea
          id="token"
          rows={6}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          aria-describedby="token-help"
          required
        />
        <p id="token-help" className="help">
          The token is kept in this tab only (session storage) and sent as an Authorization header. In development,{' '}
          <code>
            npm run token -- --scope "webhooks:read webhooks:write events:read events:write processes:read processes:write"
          </code>{' '}
          prints one.
        </p>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

import { errorWords } from '../api/error-words.js';

/** A failed call in words: the API's message and every reason it gave, announced to screen readers. */
export function ErrorMessage({ error, action }: { readonly error: unknown; readonly action?: string }) {
  if (!error) return null;
  const words = errorWords(error);
  return (
    <div className="error" role="alert">
      <p>
        {action ? `${action}: ` : ''}
        <strong>{words.message}</strong>
      </p>
      {words.errors.length > 0 && (
        <ul>
          {words.errors.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
      {words.unauthenticated && (
        <p>
          <a href="#/sign-in">Sign in again</a> with a valid token.
        </p>
      )}
    </div>
  );
}

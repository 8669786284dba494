import { useEffect, useState } from 'react';

/**
 * The page is chosen by the URL's fragment (#/events/42), so the service serves one index.html
 * and a link or a reload lands on the same page. Nothing secret ever goes in it.
 */
export function useHashRoute(): readonly string[] {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const update = () => setHash(window.location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}

/** A path as configurations store it: no leading/trailing slashes, no `//`; the operator's case kept. */
export function tidyPath(path: string): string {
  return path
    .trim()
    .split('/')
    .filter((segment) => segment !== '')
    .join('/');
}

/** The form the router matches paths in: a tidy path, lower-case. */
export function normalizePath(path: string): string {
  return tidyPath(path).toLowerCase();
}

/** The form the router matches paths in: no leading/trailing slashes, no `//`, lower-case. */
export function normalizePath(path: string): string {
  return path
    .trim()
    .split('/')
    .filter((segment) => segment !== '')
    .join('/')
    .toLowerCase();
}

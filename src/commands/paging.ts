/** A validated page request: 1-based page number, size 1..100, and the rows it covers. */
export interface Page {
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly offset: number;
  readonly limit: number;
}

const maxPageSize = 100;

/**
 * Reads `pageNumber` (default 1) and `pageSize` (default 10) of a list query; `problems` holds one
 * sentence per bad value, to be reported with the query's other validation problems.
 */
export function parsePage(input: { pageNumber?: number; pageSize?: number }): { page: Page; problems: string[] } {
  const pageNumber = input.pageNumber ?? 1;
  const pageSize = input.pageSize ?? 10;
  const problems = [
    ...(pageNumber < 1 ? ['Page number must be at least 1'] : []),
    ...(pageSize < 1 || pageSize > maxPageSize ? [`Page size must be between 1 and ${maxPageSize}`] : []),
  ];
  return { page: { pageNumber, pageSize, offset: (pageNumber - 1) * pageSize, limit: pageSize }, problems };
}

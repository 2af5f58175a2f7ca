/**
 * Whether a declared index serves a query as MongoDB would use it: its leading fields are
 * fields the query (or, for `$or`, each of its branches) matches by equality or `$in`, then
 * come the query's sort fields, in order and all in the index's directions or all reversed.
 * A query with no equality field may start at its sort field or at a range.
 */
import type { IndexKeys } from '../../src/api/reads/indexes';

export interface QueryShape {
  equality: string[];
  range: string[];
  sort: [string, 1 | -1][];
}

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

function isEquality(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return true;
  const ops = Object.keys(value);
  return ops.length === 1 && ops[0] === '$in';
}

function isRange(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.keys(value).some((op) => RANGE_OPERATORS.has(op));
}

/** Every shape a filter can be answered by: one per combination of its `$or` branches. */
export function shapesOf(filter: Record<string, unknown>, sort: Record<string, 1 | -1> | null): QueryShape[] {
  let shapes: { equality: string[]; range: string[] }[] = [{ equality: [], range: [] }];
  const join = (alternatives: { equality: string[]; range: string[] }[]) => {
    shapes = shapes.flatMap((shape) => alternatives.map((alt) => ({ equality: [...shape.equality, ...alt.equality], range: [...shape.range, ...alt.range] })));
  };
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') for (const clause of value as Record<string, unknown>[]) join(shapesOf(clause, null));
    else if (key === '$or') join((value as Record<string, unknown>[]).flatMap((branch) => shapesOf(branch, null)));
    else if (key.startsWith('$')) continue; // $nor: filtered, never an index's start
    else if (isEquality(value)) join([{ equality: [key], range: [] }]);
    else if (isRange(value)) join([{ equality: [], range: [key] }]);
  }
  const sorted = Object.entries(sort ?? {}) as [string, 1 | -1][];
  return shapes.map((shape) => ({ ...shape, sort: sorted }));
}

/**
 * `unique`: an index of unique values serves any query that names them by equality, sort or
 * not: it finds a handful of documents, sorted as they come.
 */
export function servedBy(shape: QueryShape, index: IndexKeys, unique = false): boolean {
  const fields = Object.entries(index);
  let i = 0;
  while (i < fields.length && shape.equality.includes(fields[i]![0])) i += 1;
  if (unique && i === fields.length) return true;
  const bound = new Set(fields.slice(0, i).map(([field]) => field));
  // A sort field the query fixes by equality takes no part in the order.
  const sort = shape.sort.filter(([field]) => !bound.has(field));
  if (sort.length > 0) {
    const rest = fields.slice(i, i + sort.length);
    if (rest.length < sort.length || rest.some(([field], j) => field !== sort[j]![0])) return false;
    const same = rest.every(([, dir], j) => dir === sort[j]![1]);
    const reversed = rest.every(([, dir], j) => dir === -sort[j]![1]);
    // With no equality prefix, the index is walked in sort order: over a range of its first field, or whole when the query has nothing narrower.
    return (same || reversed) && (i > 0 || shape.equality.length === 0 || shape.range.includes(sort[0]![0]));
  }
  if (i > 0) return true;
  return shape.equality.length === 0 && shape.range.includes(fields[0]?.[0] ?? '');
}

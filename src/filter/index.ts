import type { FilterNode } from './ast.js';
import { compileNode } from './compile.js';
import { FilterError } from './filter-error.js';
import { parseFilterText } from './parser.js';
import type { FilterSubject } from './subject.js';

/**
 * The filter language of the `/` prompt: `process chrome`, `port 22 and country CN`,
 * `not (proto udp or port 53)`. Text in, a matcher or one error line with a position out;
 * nothing here throws.
 */

export type { FilterNode, Protocol } from './ast.js';
export type { FilterSubject } from './subject.js';
export { printFilter } from './print.js';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './parser.js';

/** The fields of a subject a filter can test; a pane whose rows lack one cannot apply a filter that tests it. */
export type FilterField = 'process' | 'port' | 'ip' | 'status' | 'country' | 'proto' | 'alert';

export interface CompiledFilter {
  /** The text as typed. */
  readonly text: string;
  /** The fields its terms test. */
  readonly fields: ReadonlySet<FilterField>;
  matches(subject: FilterSubject): boolean;
}

/** The fields the terms of a tree test. */
export function filterFields(node: FilterNode, out: Set<FilterField> = new Set()): Set<FilterField> {
  switch (node.kind) {
    case 'all':
      break;
    case 'and':
    case 'or':
      for (const item of node.items) filterFields(item, out);
      break;
    case 'not':
      filterFields(node.item, out);
      break;
    default:
      out.add(node.kind);
  }
  return out;
}

export type FilterResult = { ok: true; filter: CompiledFilter } | { ok: false; error: string; position: number };

export type ParseResult = { ok: true; ast: FilterNode } | { ok: false; error: string; position: number };

/** Parses without compiling: for showing the canonical form, and for tests. */
export function parseFilter(text: string): ParseResult {
  try {
    return { ok: true, ast: parseFilterText(text) };
  } catch (err) {
    if (err instanceof FilterError) return { ok: false, error: err.message, position: err.position };
    // A bug here must not take the UI down with it: the prompt shows this and keeps the old filter.
    return { ok: false, error: 'could not read this filter (internal error)', position: 0 };
  }
}

/** Compiles filter text; empty or blank text gives a filter matching everything. */
export function compileFilter(text: string): FilterResult {
  const parsed = parseFilter(text);
  if (!parsed.ok) return parsed;
  try {
    const matcher = compileNode(parsed.ast);
    return { ok: true, filter: { text, fields: filterFields(parsed.ast), matches: matcher } };
  } catch {
    return { ok: false, error: 'could not read this filter (internal error)', position: 0 };
  }
}

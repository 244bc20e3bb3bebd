import type { FilterNode } from './ast.js';

/**
 * Prints a tree back as filter text in one canonical spelling (lower-case keywords, `and` /
 * `or` / `not`, quoted process names), such that parsing the output gives the same tree.
 * Used to show the filter in force and in tests to check the parser against itself.
 */
export function printFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'all':
      return '';
    case 'and':
      return node.items.map(printOperand).join(' and ');
    case 'or':
      return node.items.map(printOperand).join(' or ');
    case 'not':
      return `not ${printOperand(node.item)}`;
    case 'process':
      return node.name === null ? 'process unknown' : `process ${quote(node.name)}`;
    case 'port':
      return node.low === node.high ? `port ${node.low}` : `port ${node.low}-${node.high}`;
    case 'ip':
      // A zone id may hold characters the lexer splits on (`fe80::1%a(b`), typed quoted.
      return /^[0-9A-Za-z:.%/_-]+$/.test(node.cidr) ? `ip ${node.cidr}` : `ip ${quote(node.cidr)}`;
    case 'status':
      return `status ${node.label}`;
    case 'country':
      return `country ${node.code}`;
    case 'proto':
      return `proto ${node.proto}`;
    case 'alert':
      return 'alert';
  }
}

/**
 * Nested and/or always get parentheses, even where precedence would not need them: the parser
 * flattens `a and b and c` into one node, so `a and (b and c)` must keep its parentheses to
 * print back to the same tree.
 */
function printOperand(node: FilterNode): string {
  const text = printFilter(node);
  return node.kind === 'and' || node.kind === 'or' ? `(${text})` : text;
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CidrSet } from '../../../src/net/cidr-set.js';
import { compileFilter, parseFilter, printFilter, type FilterNode, type FilterSubject } from '../../../src/filter/index.js';
import { STATUS_CATEGORIES, ZEEK_STATES } from '../../../src/filter/terms.js';

const INTERNAL = /internal error/;

/** The contract for any input: a result, never a throw; an error is one line pointing inside the text. */
function checkAnyInput(text: string): void {
  const r = compileFilter(text);
  if (r.ok) {
    assert.equal(r.filter.text, text);
    return;
  }
  assert.ok(Number.isInteger(r.position) && r.position >= 0 && r.position <= text.length, `position ${r.position} for ${JSON.stringify(text)}`);
  assert.ok(r.error.length > 0 && !r.error.includes('\n'), r.error);
  assert.doesNotMatch(r.error, INTERNAL, JSON.stringify(text));
}

const FRAGMENTS = [
  'port', 'PORT', '22', '0', '70000', '1-65535', '80-22', '22-', 'ip', '10.0.0.0/8', '10.0.0.300', '::ffff:1.2.3.4', 'fe80::1%eth0',
  '2001:db8::/129', '/', 'process', '"chrome', '"Google Chrome"', "'x'", '""', 'unknown', 'status', 'S0', 'established', 'estab',
  'country', 'cn', 'LAN', 'xyz', 'proto', 'tcp', 'icmpv6', 'alert', 'and', 'or', 'not', 'AND', '&&', '||', '!', '&', '|', '(', ')',
  '((', '))', '-', '\\', '"', "'", ' ', '\t', 'prcess', 'constructor', '__proto__', 'toString', '\u212Aor', 'ß', '\u0000', '\u202e',
];

/** Strings made of the language's own pieces reach much deeper into the parser than random bytes. */
const tokenSoup = fc
  .tuple(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), fc.constantFrom(' ', ''))
  .map(([parts, sep]) => parts.join(sep));

describe('filter properties: any input', () => {
  test('random strings never throw and errors point inside the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 600 }), checkAnyInput), { numRuns: 2000 });
  });

  test('random ASCII never throws', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 200 }), checkAnyInput), { numRuns: 2000 });
  });

  test('token soup never throws', () => {
    fc.assert(fc.property(tokenSoup, checkAnyInput), { numRuns: 5000 });
  });

  test('deep nesting of any mix never throws', () => {
    const deep = fc
      .tuple(fc.array(fc.constantFrom('(', '!', 'not ', '( not '), { maxLength: 300 }), fc.constantFrom('tcp', ''), fc.nat(300))
      .map(([open, term, close]) => `${open.join('')}${term}${')'.repeat(close)}`);
    fc.assert(fc.property(deep, checkAnyInput), { numRuns: 1000 });
  });
});

// ---- Trees generated from the grammar -------------------------------------------------------

const byte = fc.integer({ min: 0, max: 255 });
const hexGroup = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));

const v4 = fc.tuple(byte, byte, byte, byte).map((b) => b.join('.'));
const v6Full = fc.array(hexGroup, { minLength: 8, maxLength: 8 }).map((g) => g.join(':'));
const v6Short = fc.tuple(fc.array(hexGroup, { maxLength: 3 }), fc.array(hexGroup, { maxLength: 3 })).map(([a, b]) => `${a.join(':')}::${b.join(':')}`);

const cidrText = fc.oneof(
  v4,
  fc.tuple(v4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
  v6Full,
  fc.tuple(v6Short, fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
  v4.map((a) => `::ffff:${a}`),
  fc.constantFrom('10.0.0.0/8', '10.0.0.1', '192.168.0.0/16', '2001:db8::/32', '2001:DB8::1', 'fe80::1%eth0', 'fe80::1%a(b', 'fe80::/10'),
);

const statusNode = fc.constantFrom(
  ...[...STATUS_CATEGORIES].map(([label, states]) => ({ kind: 'status' as const, label, states })),
  ...ZEEK_STATES.map((s) => ({ kind: 'status' as const, label: s, states: [s] })),
);

const upperLetter = fc.integer({ min: 65, max: 90 }).map((c) => String.fromCharCode(c));
const countryNode = fc
  .oneof(fc.tuple(upperLetter, upperLetter).map(([a, b]) => a + b), fc.constantFrom('US', 'CN', 'LAN', 'RESERVED'))
  .map((code) => ({ kind: 'country' as const, code }));

const portNode = fc
  .oneof(
    fc.constantFrom(22, 53, 443).map((p) => [p, p] as const),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
  )
  .map(([low, high]) => ({ kind: 'port' as const, low, high }));

function leaves(name: fc.Arbitrary<string>): fc.Arbitrary<FilterNode> {
  return fc.oneof(
    fc.oneof(name.map((n) => ({ kind: 'process' as const, name: n })), fc.constant({ kind: 'process' as const, name: null })),
    portNode,
    cidrText.map((cidr) => ({ kind: 'ip' as const, cidr })),
    statusNode,
    countryNode,
    fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6').map((proto) => ({ kind: 'proto' as const, proto })),
    fc.constant({ kind: 'alert' as const }),
  );
}

function trees(name: fc.Arbitrary<string>): fc.Arbitrary<FilterNode> {
  const leaf = leaves(name);
  return fc.letrec<{ node: FilterNode; and: FilterNode; or: FilterNode; not: FilterNode }>((tie) => ({
    node: fc.oneof({ maxDepth: 4, depthIdentifier: 'filter' }, leaf, tie('and'), tie('or'), tie('not')),
    and: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: 'and', items })),
    or: fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: 'or', items })),
    not: tie('node').map((item) => ({ kind: 'not', item })),
  })).node;
}

/** Any name, odd characters included: the printer must quote and escape them. */
const anyName = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const asciiName = fc.oneof(fc.constantFrom('chrome', 'Chrome', 'sshd', 'google chrome', 'unknown', 'a.b', 'not', 'OR'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }));

describe('filter properties: printer round trip', () => {
  test('printing a tree and parsing it back gives the same tree', () => {
    fc.assert(
      fc.property(trees(anyName), (tree) => {
        const text = printFilter(tree);
        fc.pre(text.length <= 512);
        const r = parseFilter(text);
        assert.ok(r.ok, `${text}: ${r.ok ? '' : `${r.error} @${r.position}`}`);
        assert.deepEqual(r.ast, tree);
        assert.ok(compileFilter(text).ok);
      }),
      { numRuns: 1500 },
    );
  });

  test('printing is a fixed point: print(parse(print(t))) = print(t)', () => {
    fc.assert(
      fc.property(trees(anyName), (tree) => {
        const text = printFilter(tree);
        fc.pre(text.length <= 512);
        const r = parseFilter(text);
        assert.ok(r.ok);
        assert.equal(printFilter(r.ast), text);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- Free spellings of the same trees -------------------------------------------------------

function randomCase(word: string): fc.Arbitrary<string> {
  return fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((upper) =>
    [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
  );
}

const space = fc.constantFrom(' ', '  ', '\t', ' \n ');

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** A word the lexer reads as one plain word and the parser as a name (bare `unknown` means no process). */
function isBareName(name: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(name) && name.toLowerCase() !== 'unknown';
}

/** One of the many ways a person may type `node`: any keyword case, synonyms, implicit and, spare parentheses. */
function spell(node: FilterNode): fc.Arbitrary<string> {
  const kw = (word: string) => randomCase(word);
  const term = (keyword: string, value: fc.Arbitrary<string>) => fc.tuple(kw(keyword), space, value).map((p) => p.join(''));
  let text: fc.Arbitrary<string>;
  switch (node.kind) {
    case 'all':
      return fc.constant('');
    case 'and':
    case 'or': {
      const ops = node.kind === 'and' ? ['and', 'AND', 'And', '&&', ''] : ['or', 'OR', 'Or', '||'];
      const operand = (n: FilterNode) => (n.kind === 'and' || n.kind === 'or' ? spell(n).map((t) => `(${t})`) : spell(n));
      text = fc.tuple(fc.tuple(...node.items.map(operand)), fc.array(fc.tuple(fc.constantFrom(...ops), space), { minLength: node.items.length, maxLength: node.items.length })).map(
        ([parts, seps]) => parts.reduce((acc, part, i) => (i === 0 ? part : `${acc} ${seps[i]![0]}${seps[i]![1]}${part}`), ''),
      );
      break;
    }
    case 'not': {
      const inner = node.item.kind === 'and' || node.item.kind === 'or' ? spell(node.item).map((t) => `(${t})`) : spell(node.item);
      text = fc.tuple(fc.constantFrom('not ', 'NOT ', 'Not\t', '!', '! '), inner).map(([op, t]) => op + t);
      break;
    }
    case 'process': {
      const name = node.name;
      if (name === null) text = term('process', randomCase('unknown'));
      else text = term('process', isBareName(name) ? fc.constantFrom(name, quoted(name)) : fc.constant(quoted(name)));
      break;
    }
    case 'port': {
      const zeros = fc.constantFrom('', '0', '00');
      const value =
        node.low === node.high
          ? zeros.map((z) => `${z}${node.low}`)
          : fc.tuple(zeros, zeros).map(([a, b]) => `${a}${node.low}-${b}${node.high}`);
      text = term('port', value);
      break;
    }
    case 'ip':
      text = term('ip', /^[0-9A-Za-z:.%/_-]+$/.test(node.cidr) ? fc.constant(node.cidr) : fc.constant(quoted(node.cidr)));
      break;
    case 'status':
      text = term('status', randomCase(node.label));
      break;
    case 'country':
      text = term('country', randomCase(node.code));
      break;
    case 'proto':
      text = fc.oneof(term('proto', randomCase(node.proto)), randomCase(node.proto));
      break;
    case 'alert':
      text = randomCase('alert');
      break;
  }
  // A spare pair of parentheses around a term or `not` changes nothing.
  return fc.tuple(text, fc.boolean()).map(([t, wrap]) => (wrap ? `( ${t} )` : t));
}

describe('filter properties: text generated from the grammar', () => {
  test('any spelling of a valid tree parses, to that tree', () => {
    const spelled = trees(asciiName).chain((tree) => spell(tree).map((text) => ({ tree, text })));
    fc.assert(
      fc.property(spelled, ({ tree, text }) => {
        fc.pre(text.length <= 512);
        const r = parseFilter(text);
        assert.ok(r.ok, `${JSON.stringify(text)}: ${r.ok ? '' : `${r.error} @${r.position}`}`);
        assert.deepEqual(r.ast, tree);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---- Compiled matchers against a plain interpreter -----------------------------------------

/** The obvious, slow reading of a tree: what the compiled closures must agree with. */
function evaluate(n: FilterNode, s: FilterSubject): boolean {
  switch (n.kind) {
    case 'all':
      return true;
    case 'and':
      return n.items.every((i) => evaluate(i, s));
    case 'or':
      return n.items.some((i) => evaluate(i, s));
    case 'not':
      return !evaluate(n.item, s);
    case 'process':
      if (n.name === null) return s.process === null || s.process === '';
      return s.process !== null && s.process.toLowerCase().includes(n.name.toLowerCase());
    case 'port':
      return s.ports.some((p) => p >= n.low && p <= n.high);
    case 'ip': {
      const set = CidrSet.parse([n.cidr]);
      return s.addresses.some((a) => set.hasText(a));
    }
    case 'status':
      return s.state !== null && n.states.includes(s.state);
    case 'country':
      return s.country !== null && s.country.toUpperCase() === n.code;
    case 'proto':
      return s.proto.toLowerCase() === n.proto;
    case 'alert':
      return s.hasAlert;
  }
}

const subjectArb: fc.Arbitrary<FilterSubject> = fc.record({
  proto: fc.constantFrom('tcp', 'udp', 'icmp', 'icmpv6', 'ip132', 'TCP'),
  addresses: fc.array(
    fc.oneof(
      fc.constantFrom('10.0.0.1', '::ffff:10.0.0.1', '192.168.1.10', '2001:db8::1', '2001:0db8:0:0:0:0:0:1', 'fe80::1%eth0', '203.0.113.5', 'garbage', ''),
      v4,
      v6Full,
    ),
    { maxLength: 2 },
  ),
  ports: fc.array(fc.oneof(fc.constantFrom(22, 53, 443, 8080), fc.integer({ min: 0, max: 65535 })), { maxLength: 2 }),
  process: fc.oneof(fc.constant(null), fc.constant(''), asciiName),
  country: fc.oneof(fc.constant(null), fc.constantFrom('US', 'CN', 'cn', 'LAN', 'RESERVED')),
  state: fc.oneof(fc.constant(null), fc.constantFrom(...ZEEK_STATES)),
  hasAlert: fc.boolean(),
});

describe('filter properties: semantics', () => {
  test('compiled filters agree with a plain interpreter of the tree', () => {
    fc.assert(
      fc.property(trees(asciiName), fc.array(subjectArb, { minLength: 1, maxLength: 8 }), (tree, subjects) => {
        const text = printFilter(tree);
        fc.pre(text.length <= 512);
        const r = compileFilter(text);
        assert.ok(r.ok);
        for (const s of subjects) assert.equal(r.filter.matches(s), evaluate(tree, s), `${text} on ${JSON.stringify(s)}`);
      }),
      { numRuns: 1500 },
    );
  });

  test('De Morgan: not (A or B) matches exactly what not A and not B matches', () => {
    fc.assert(
      fc.property(trees(asciiName), trees(asciiName), subjectArb, (a, b, s) => {
        const ta = printFilter({ kind: 'not', item: { kind: 'or', items: [a, b] } });
        const tb = printFilter({ kind: 'and', items: [{ kind: 'not', item: a }, { kind: 'not', item: b }] });
        fc.pre(ta.length <= 512 && tb.length <= 512);
        const fa = compileFilter(ta);
        const fb = compileFilter(tb);
        assert.ok(fa.ok && fb.ok);
        assert.equal(fa.filter.matches(s), fb.filter.matches(s));
      }),
      { numRuns: 500 },
    );
  });
});

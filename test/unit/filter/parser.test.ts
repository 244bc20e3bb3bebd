import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileFilter, parseFilter, printFilter, type FilterNode } from '../../../src/filter/index.js';

function ast(text: string): FilterNode {
  const r = parseFilter(text);
  if (!r.ok) assert.fail(`${JSON.stringify(text)}: ${r.error} at ${r.position}`);
  return r.ast;
}

/** The canonical text of a filter: a compact way to assert tree shapes. */
const canon = (text: string) => printFilter(ast(text));

function error(text: string): { error: string; position: number } {
  const r = compileFilter(text);
  if (r.ok) assert.fail(`${JSON.stringify(text)} compiled`);
  return { error: r.error, position: r.position };
}

const PORT22: FilterNode = { kind: 'port', low: 22, high: 22 };
const TCP: FilterNode = { kind: 'proto', proto: 'tcp' };
const UDP: FilterNode = { kind: 'proto', proto: 'udp' };

describe('filter parser: terms', () => {
  test('empty and blank text match everything', () => {
    assert.deepEqual(ast(''), { kind: 'all' });
    assert.deepEqual(ast('  \t '), { kind: 'all' });
  });

  test('every term', () => {
    assert.deepEqual(ast('process chrome'), { kind: 'process', name: 'chrome' });
    assert.deepEqual(ast('process "Google Chrome"'), { kind: 'process', name: 'Google Chrome' });
    assert.deepEqual(ast('process unknown'), { kind: 'process', name: null });
    assert.deepEqual(ast('process "unknown"'), { kind: 'process', name: 'unknown' });
    assert.deepEqual(ast('port 22'), PORT22);
    assert.deepEqual(ast('port 1000-2000'), { kind: 'port', low: 1000, high: 2000 });
    assert.deepEqual(ast('port 1-65535'), { kind: 'port', low: 1, high: 65535 });
    assert.deepEqual(ast('ip 10.0.0.0/8'), { kind: 'ip', cidr: '10.0.0.0/8' });
    assert.deepEqual(ast('ip 2001:db8::/32'), { kind: 'ip', cidr: '2001:db8::/32' });
    assert.deepEqual(ast('ip ::ffff:10.0.0.1'), { kind: 'ip', cidr: '::ffff:10.0.0.1' });
    assert.deepEqual(ast('ip fe80::1%eth0'), { kind: 'ip', cidr: 'fe80::1%eth0' });
    assert.deepEqual(ast('status established'), { kind: 'status', label: 'established', states: ['S1', 'S2', 'S3'] });
    assert.deepEqual(ast('status syn'), { kind: 'status', label: 'syn', states: ['S0', 'SH'] });
    assert.deepEqual(ast('status rejected'), { kind: 'status', label: 'rejected', states: ['REJ'] });
    assert.deepEqual(ast('status reset'), { kind: 'status', label: 'reset', states: ['RSTO', 'RSTR', 'RSTOS0', 'RSTRH'] });
    assert.deepEqual(ast('status other'), { kind: 'status', label: 'other', states: ['OTH'] });
    assert.deepEqual(ast('status closed'), { kind: 'status', label: 'closed', states: ['SF', 'REJ', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SHR'] });
    assert.deepEqual(ast('status rstos0'), { kind: 'status', label: 'RSTOS0', states: ['RSTOS0'] });
    assert.deepEqual(ast('country cn'), { kind: 'country', code: 'CN' });
    assert.deepEqual(ast('country lan'), { kind: 'country', code: 'LAN' });
    assert.deepEqual(ast('country Reserved'), { kind: 'country', code: 'RESERVED' });
    for (const p of ['tcp', 'udp', 'icmp', 'icmpv6'] as const) {
      assert.deepEqual(ast(`proto ${p}`), { kind: 'proto', proto: p });
      assert.deepEqual(ast(p), { kind: 'proto', proto: p }, `${p} alone`);
    }
    assert.deepEqual(ast('alert'), { kind: 'alert' });
  });

  test('keywords and values are case-insensitive', () => {
    assert.deepEqual(ast('PORT 22 AND PROTO TCP'), { kind: 'and', items: [PORT22, TCP] });
    assert.deepEqual(ast('Status ESTABLISHED'), ast('status established'));
    assert.deepEqual(ast('PROCESS UNKNOWN'), { kind: 'process', name: null });
    assert.deepEqual(ast('Alert'), { kind: 'alert' });
    assert.deepEqual(ast('TCP'), TCP);
    // The process name itself is kept as typed; matching ignores case.
    assert.deepEqual(ast('process Chrome'), { kind: 'process', name: 'Chrome' });
  });

  test('a quoted value is as good as a bare one', () => {
    assert.deepEqual(ast('port "22"'), PORT22);
    assert.deepEqual(ast("ip '10.0.0.1'"), { kind: 'ip', cidr: '10.0.0.1' });
  });

  test('a keyword quoted as a process name is a name', () => {
    assert.deepEqual(ast('process "and"'), { kind: 'process', name: 'and' });
    assert.deepEqual(ast('process port'), { kind: 'process', name: 'port' });
    // A value keyword takes the next word, even one spelled like an operator.
    assert.deepEqual(ast('process and tcp'), { kind: 'and', items: [{ kind: 'process', name: 'and' }, { kind: 'proto', proto: 'tcp' }] });
    assert.deepEqual(ast('country or or tcp'), { kind: 'or', items: [{ kind: 'country', code: 'OR' }, { kind: 'proto', proto: 'tcp' }] });
  });
});

describe('filter parser: structure', () => {
  test('or binds weaker than and', () => {
    assert.deepEqual(ast('port 22 or tcp and udp'), { kind: 'or', items: [PORT22, { kind: 'and', items: [TCP, UDP] }] });
    assert.deepEqual(ast('port 22 and tcp or udp'), { kind: 'or', items: [{ kind: 'and', items: [PORT22, TCP] }, UDP] });
  });

  test('not binds strongest', () => {
    assert.deepEqual(ast('not tcp and udp'), { kind: 'and', items: [{ kind: 'not', item: TCP }, UDP] });
    assert.deepEqual(ast('not tcp or udp'), { kind: 'or', items: [{ kind: 'not', item: TCP }, UDP] });
    assert.deepEqual(ast('not not tcp'), { kind: 'not', item: { kind: 'not', item: TCP } });
  });

  test('parentheses group', () => {
    assert.deepEqual(ast('not (proto udp or port 22)'), { kind: 'not', item: { kind: 'or', items: [UDP, PORT22] } });
    assert.deepEqual(ast('(port 22 or tcp) and udp'), { kind: 'and', items: [{ kind: 'or', items: [PORT22, TCP] }, UDP] });
    assert.deepEqual(ast('((tcp))'), TCP);
  });

  test('implicit and between adjacent terms', () => {
    assert.deepEqual(ast('port 22 proto tcp'), { kind: 'and', items: [PORT22, TCP] });
    assert.deepEqual(ast('port 22 not udp'), { kind: 'and', items: [PORT22, { kind: 'not', item: UDP }] });
    assert.deepEqual(ast('port 22 (tcp or udp)'), { kind: 'and', items: [PORT22, { kind: 'or', items: [TCP, UDP] }] });
    assert.deepEqual(ast('tcp udp or port 22'), ast('(tcp and udp) or port 22'));
  });

  test('symbol spellings are synonyms', () => {
    assert.deepEqual(ast('port 22 && tcp || !udp'), ast('port 22 and tcp or not udp'));
    assert.deepEqual(ast('!(tcp||udp)'), ast('not (tcp or udp)'));
  });

  test('chains are flat, so long filters stay shallow', () => {
    const n = ast(Array.from({ length: 40 }, (_, i) => `port ${i + 1}`).join(' or '));
    assert.equal(n.kind, 'or');
    assert.equal(n.kind === 'or' && n.items.length, 40);
  });

  test('printing gives canonical text', () => {
    assert.equal(canon('PORT 22 && TCP'), 'port 22 and proto tcp');
    assert.equal(canon('tcp and (udp and icmp)'), 'proto tcp and (proto udp and proto icmp)');
    assert.equal(canon('!(tcp || udp)'), 'not (proto tcp or proto udp)');
    assert.equal(canon('process "a\\"b\\\\c"'), 'process "a\\"b\\\\c"');
    assert.equal(canon('process unknown or process "unknown"'), 'process unknown or process "unknown"');
    assert.equal(canon(''), '');
  });
});

describe('filter parser: errors', () => {
  const cases: [string, string, number][] = [
    ['port abc', "expected a port number after 'port' (got 'abc')", 5],
    ['port', "expected a port number after 'port'", 4],
    ['port )', "expected a port number after 'port' (got ')')", 5],
    ['port 22-', "expected a port number after 'port' (got '22-')", 5],
    ['prcess chrome', "unknown term 'prcess' — did you mean 'process'?", 0],
    ['tcp and prot 22', "unknown term 'prot' — did you mean 'port'?", 8],
    ['port 22)', "unbalanced ')'", 7],
    [') tcp', "unbalanced ')'", 0],
    ['(tcp or udp', "missing ')'", 11],
    ['((tcp)', "missing ')'", 6],
    ['port 70000', 'port 70000 is out of range (1-65535)', 5],
    ['port 0', 'port 0 is out of range (1-65535)', 5],
    ['port 1-70000', 'port 70000 is out of range (1-65535)', 7],
    ['port 80-22', 'port range 80-22 is reversed (write 22-80)', 5],
    ['ip 10.0.0.300', "bad address '10.0.0.300'", 3],
    ['ip example.com', "bad address 'example.com'", 3],
    ['ip 1::2::3/64', "bad address '1::2::3'", 3],
    ['ip /8', "bad address '/8'", 3],
    ['ip 10.0.0.0/33', "bad prefix length '/33' (0-32)", 11],
    ['ip 2001:db8::/129', "bad prefix length '/129' (0-128)", 13],
    ['ip 10.0.0.0/x', "bad prefix length '/x' (0-32)", 11],
    ['ip', "expected an address or CIDR after 'ip'", 2],
    ['process', "expected a process name after 'process'", 7],
    ['process && tcp', "expected a process name after 'process' (got '&&')", 8],
    ['process !x', "expected a process name after 'process' (got '!')", 8],
    ['port and 22', "expected a port number after 'port' (got 'and')", 5],
    ['process ""', 'empty process name', 8],
    ['status foo', "unknown status 'foo' (established, syn, closed, rejected, reset, other, or a Zeek state like S0)", 7],
    ['status establised', "unknown status 'establised' — did you mean 'established'?", 7],
    ['country xyz', "expected a two-letter country code, LAN or RESERVED after 'country' (got 'xyz')", 8],
    ['country ß', "expected a two-letter country code, LAN or RESERVED after 'country' (got 'ß')", 8],
    ['proto tpc', "unknown protocol 'tpc' — did you mean 'tcp'?", 6],
    ['proto gre', "unknown protocol 'gre' (tcp, udp, icmp, icmpv6, sctp)", 6],
    ['and tcp', "expected a term before 'and'", 0],
    ['tcp and', "expected a term after 'and'", 7],
    ['tcp or or udp', "expected a term after 'or' (got 'or')", 7],
    ['not', "expected a term after 'not'", 3],
    ['()', "expected a term after '(' (got ')')", 1],
    ['(tcp or)', "expected a term after 'or' (got ')')", 7],
    ['22', "unknown term '22' — did you mean 'port 22'?", 0],
    ['10.0.0.0/8', "unknown term '10.0.0.0/8' — did you mean 'ip 10.0.0.0/8'?", 0],
    ['"chrome"', `unexpected "chrome" — did you mean 'process "chrome"'?`, 0],
    ['process Google Chrome', `unknown term 'Chrome' — quote names with spaces: process "Google Chrome"`, 15],
    ['chrome', "unknown term 'chrome' (terms: process, port, ip, status, country, proto, alert)", 0],
    ['tcp & udp', "unexpected '&' — use '&&' or 'and'", 4],
    ['process "chrome', 'missing closing quote', 8],
  ];
  for (const [text, message, position] of cases) {
    test(`${JSON.stringify(text)} → ${message} @${position}`, () => {
      assert.deepEqual(error(text), { error: message, position });
    });
  }

  test('long pieces of text are shortened in messages', () => {
    const e = error(`port ${'9'.repeat(100)}`);
    assert.ok(e.error.length < 80, e.error);
    assert.equal(e.position, 5);
  });

  test('input longer than 512 characters is refused', () => {
    const text = Array.from({ length: 100 }, () => 'tcp').join(' or ');
    assert.ok(text.length > 512);
    assert.deepEqual(error(text), { error: 'filter is too long (max 512 characters)', position: 512 });
    assert.ok(compileFilter('x'.repeat(10_000)).ok === false);
  });

  test('nesting deeper than 32 is refused, 32 is fine', () => {
    assert.ok(compileFilter(`${'('.repeat(32)}tcp${')'.repeat(32)}`).ok);
    assert.deepEqual(error(`${'('.repeat(33)}tcp${')'.repeat(33)}`), { error: 'nested too deeply (max 32)', position: 32 });
    assert.ok(compileFilter(`${'not '.repeat(32)}tcp`).ok);
    assert.deepEqual(error(`${'!'.repeat(33)}tcp`), { error: 'nested too deeply (max 32)', position: 32 });
    // Parentheses and `not` count together.
    assert.deepEqual(error(`${'!('.repeat(17)}tcp${')'.repeat(17)}`).position, 32);
  });

  test('sequential groups do not add up to depth', () => {
    const text = Array.from({ length: 40 }, () => '(tcp)').join(' or ');
    assert.ok(compileFilter(text).ok);
  });
});

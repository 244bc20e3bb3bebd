import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { decodeFrame, DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { Packet, TcpFlag } from '../../../src/engine/decode/packet.js';
import { BruteForceDetector, type BruteForceConfig } from '../../../src/engine/detectors/brute-force-detector.js';
import { BRUTE_FORCE_THRESHOLDS, MONITORED_SERVICES, serviceIndexOfPort } from '../../../src/engine/detectors/service-table.js';
import { FlowTable } from '../../../src/engine/flows/flow-table.js';
import { recordingContext } from '../../support/recording-context.js';
import { tcpPacket } from '../../support/packet-factory.js';

const { SYN, ACK, FIN, RST } = TcpFlag;
const T0 = 1.7e15;
type ProfileKey = keyof typeof BRUTE_FORCE_THRESHOLDS;

function harness(config: Partial<BruteForceConfig> = {}, profile: ProfileKey = 'balanced', homeNet: string | null = null) {
  const { ctx, raised, changed } = recordingContext(homeNet);
  const detector = new BruteForceDetector({ ...BRUTE_FORCE_THRESHOLDS[profile], ...config }, ctx);
  const flows = new FlowTable(4096);
  const feed = (p: Packet) => detector.onPacket(p, flows, flows.update(p));
  return { detector, flows, feed, raised, changed };
}

let nextSrcPort = 30000;
/** One full TCP connection (handshake, a little data, FIN close) from `src` to `dst`:`port` at `t` µs. */
function connect(h: ReturnType<typeof harness>, src: string, dst: string, port: number, t: number): void {
  const sp = nextSrcPort++;
  h.feed(tcpPacket(src, dst, { srcPort: sp, dstPort: port, flags: SYN }, t));
  h.feed(tcpPacket(dst, src, { srcPort: port, dstPort: sp, flags: SYN | ACK }, t + 100));
  h.feed(tcpPacket(src, dst, { srcPort: sp, dstPort: port, flags: ACK }, t + 200));
  h.feed(tcpPacket(src, dst, { srcPort: sp, dstPort: port, flags: FIN | ACK }, t + 300));
  h.feed(tcpPacket(dst, src, { srcPort: port, dstPort: sp, flags: FIN | ACK }, t + 400));
}

/** `n` connections one second apart. */
function attempts(h: ReturnType<typeof harness>, src: string, dst: string, port: number, n: number, t0 = T0, gapMicros = 1e6): void {
  for (let i = 0; i < n; i++) connect(h, src, dst, port, t0 + i * gapMicros);
}

describe('BruteForceDetector', () => {
  for (const profile of Object.keys(BRUTE_FORCE_THRESHOLDS) as ProfileKey[]) {
    for (const svc of MONITORED_SERVICES) {
      const threshold = BRUTE_FORCE_THRESHOLDS[profile].attempts[svc.group];
      test(`${profile}: ${svc.name} (${svc.port}) raises ${svc.attackType} at ${threshold} attempts, not before`, () => {
        const h = harness({}, profile);
        attempts(h, '203.0.113.5', '10.0.0.2', svc.port, threshold - 1);
        assert.equal(h.raised.length, 0, 'below threshold');
        connect(h, '203.0.113.5', '10.0.0.2', svc.port, T0 + 30e6);
        assert.equal(h.raised.length, 1);
        const a = h.raised[0]!;
        assert.equal(a.attack_type, svc.attackType);
        assert.equal(a.attacker_ip, '203.0.113.5');
        assert.equal(a.target_ip, '10.0.0.2');
        assert.equal(a.target_port, svc.port);
        assert.equal(a.protocol, 'tcp');
        assert.equal(a.severity, 'high');
        assert.equal(a.packet_count, threshold);
        assert.equal(a.attack_details.service, svc.name);
        assert.equal(a.attack_details.attempts, threshold);
        assert.equal(a.attack_details.window_seconds, 60);
        assert.equal(a.attack_details.interface, 'test0');
      });
    }
  }

  test('profiles scale: balanced is about double high-security, development four times', () => {
    const hs = BRUTE_FORCE_THRESHOLDS['high-security'].attempts;
    assert.deepEqual(hs, { ssh: 3, ftp: 5, telnet: 5, database: 2, nosql: 2, rdp: 2, vnc: 2, winrm: 3 });
    for (const g of Object.keys(hs) as (keyof typeof hs)[]) {
      assert.equal(BRUTE_FORCE_THRESHOLDS.balanced.attempts[g], hs[g] * 2);
      assert.equal(BRUTE_FORCE_THRESHOLDS.development.attempts[g], hs[g] * 4);
    }
  });

  test('attempts spread wider than the window do not add up', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 20, T0, 15e6); // 4 per minute, threshold 6
    assert.equal(h.raised.length, 0);
  });

  test('SYNs without completed handshakes are not attempts', () => {
    const h = harness();
    for (let i = 0; i < 50; i++) {
      const sp = 40000 + i;
      h.feed(tcpPacket('203.0.113.5', '10.0.0.2', { srcPort: sp, dstPort: 22, flags: SYN }, T0 + i * 1000));
      h.feed(tcpPacket('10.0.0.2', '203.0.113.5', { srcPort: 22, dstPort: sp, flags: SYN | ACK }, T0 + i * 1000 + 100));
      h.feed(tcpPacket('203.0.113.5', '10.0.0.2', { srcPort: sp, dstPort: 22, flags: RST }, T0 + i * 1000 + 200));
      // closed port: refused
      h.feed(tcpPacket('203.0.113.5', '10.0.0.2', { srcPort: sp, dstPort: 3306, flags: SYN }, T0 + i * 1000 + 300));
      h.feed(tcpPacket('10.0.0.2', '203.0.113.5', { srcPort: 3306, dstPort: sp, flags: RST | ACK }, T0 + i * 1000 + 400));
    }
    assert.equal(h.raised.length, 0);
    assert.equal(h.detector.trackedEntries, 0);
  });

  test('connections to ports that are not monitored are ignored', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 80, 100, T0, 1000);
    attempts(h, '203.0.113.5', '10.0.0.2', 2222, 100, T0 + 1e6, 1000);
    assert.equal(h.raised.length, 0);
    assert.equal(h.detector.trackedEntries, 0);
  });

  test('one alert per attacker and attack type, updated while attempts continue', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 30);
    assert.equal(h.raised.length, 1);
    const a = h.raised[0]!;
    assert.equal(h.changed.length, 24);
    assert.ok(h.changed.every((c) => c === a));
    assert.equal(a.packet_count, 30);
    assert.equal(a.attack_details.attempts, 30);
    assert.equal(a.duration, 29);
    // Another target of the same attacker and type still updates the same alert.
    connect(h, '203.0.113.5', '10.0.0.3', 22, T0 + 40e6);
    assert.equal(h.raised.length, 1);
    assert.equal(a.packet_count, 31);
    assert.equal(a.target_ip, '10.0.0.3');
    // A pause shorter than ten windows does not split the attack.
    h.detector.onTick(T0 + 200e6);
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 2, T0 + 300e6);
    assert.equal(h.raised.length, 1);
    assert.equal(a.packet_count, 33);
  });

  test('MySQL and PostgreSQL share one DATABASE_ATTACK alert; other attack types and attackers get their own', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 3306, 4);
    attempts(h, '203.0.113.5', '10.0.0.2', 5432, 4, T0 + 10e6);
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 6, T0 + 20e6);
    attempts(h, '198.51.100.7', '10.0.0.2', 22, 6, T0 + 30e6);
    assert.deepEqual(
      h.raised.map((a) => `${a.attack_type} ${a.attacker_ip}`),
      ['DATABASE_ATTACK 203.0.113.5', 'SSH_BRUTE_FORCE 203.0.113.5', 'SSH_BRUTE_FORCE 198.51.100.7'],
    );
    assert.equal(h.raised[0]!.packet_count, 8);
    assert.equal(h.raised[0]!.attack_details.service, 'PostgreSQL');
  });

  test('after ten quiet windows an attack is new again', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 6);
    h.detector.onTick(T0 + 700e6);
    connect(h, '203.0.113.5', '10.0.0.2', 22, T0 + 701e6);
    assert.equal(h.raised.length, 1);
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 6, T0 + 702e6);
    assert.equal(h.raised.length, 2);
    assert.notEqual(h.raised[0], h.raised[1]);
  });

  test('IPv6 attackers and targets', () => {
    const h = harness({}, 'high-security');
    attempts(h, '2001:db8::bad', 'fd00::2', 22, 3);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attacker_ip, '2001:db8::bad');
    assert.equal(h.raised[0]!.target_ip, 'fd00::2');
  });

  test('with a home net, only attempts on our addresses count', () => {
    const h = harness({}, 'high-security', '10.0.0.0/24');
    attempts(h, '203.0.113.5', '192.0.2.9', 22, 10);
    assert.equal(h.raised.length, 0);
    attempts(h, '203.0.113.5', '10.0.0.9', 22, 3, T0 + 20e6);
    assert.equal(h.raised.length, 1);
  });

  test('state is bounded: the least recently used (source, service) entries are evicted and counted', () => {
    const h = harness({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) connect(h, `198.18.${i >> 8}.${i & 255}`, '10.0.0.2', 22, T0 + i * 1000);
    assert.equal(h.detector.trackedEntries, 100);
    assert.equal(h.detector.evictedEntries, 900);
    assert.equal(h.raised.length, 0);
    // A busy attacker keeps its entry while one-off sources churn through the table.
    const h2 = harness({ maxEntries: 10 });
    for (let i = 0; i < 6; i++) {
      connect(h2, '203.0.113.5', '10.0.0.2', 22, T0 + i * 1e6);
      for (let j = 0; j < 5; j++) connect(h2, `198.18.${i}.${j}`, '10.0.0.2', 22, T0 + i * 1e6 + (j + 1) * 1000);
    }
    assert.equal(h2.raised.length, 1);
    assert.equal(h2.raised[0]!.attacker_ip, '203.0.113.5');
  });

  test('quiet entries are swept on tick', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 3);
    assert.equal(h.detector.trackedEntries, 1);
    h.detector.onTick(T0 + 120e6);
    assert.equal(h.detector.trackedEntries, 0);
  });

  test('service table: port lookup', () => {
    assert.equal(MONITORED_SERVICES[serviceIndexOfPort(27017)]!.attackType, 'NOSQL_ATTACK');
    assert.equal(MONITORED_SERVICES[serviceIndexOfPort(1433)]!.attackType, 'DATABASE_ATTACK');
    assert.equal(serviceIndexOfPort(80), -1);
    assert.equal(serviceIndexOfPort(65535), -1);
  });
});

async function replay(path: string, profile: ProfileKey) {
  const h = harness({}, profile);
  const pkt = new Packet();
  const malformed = new MalformedCounters();
  let last = 0;
  const source = await openCaptureFile(path);
  const end = await source.start((buf, offset, capLen, wireLen, tsMicros, linkType) => {
    if (decodeFrame(pkt, buf, offset, capLen, wireLen, tsMicros, linkType, malformed) !== DecodeResult.IP) return;
    h.detector.onPacket(pkt, h.flows, h.flows.update(pkt));
    h.detector.onTick(tsMicros);
    last = tsMicros;
  });
  assert.equal(end.reason, 'eof');
  h.detector.onTick(last);
  return h;
}

/**
 * One SSH connection as segment sizes: handshake, cleartext key exchange ending in the client's
 * NEWKEYS, SERVICE_REQUEST/ACCEPT (44), the "none" probe and its USERAUTH_FAILURE (52), then one
 * password try per `tries` entry answered by a failure (52) or USERAUTH_SUCCESS (28), then FIN.
 */
function sshConnection(h: ReturnType<typeof harness>, src: string, dst: string, t: number, tries: ('fail' | 'ok')[]): void {
  const sp = nextSrcPort++;
  let at = t;
  const c = (flags: number, payload?: Buffer) => h.feed(tcpPacket(src, dst, { srcPort: sp, dstPort: 22, flags, ...(payload ? { payload } : {}) }, (at += 100)));
  const s = (flags: number, payload?: Buffer) => h.feed(tcpPacket(dst, src, { srcPort: 22, dstPort: sp, flags, ...(payload ? { payload } : {}) }, (at += 100)));
  const bytes = (n: number) => Buffer.alloc(n, 0xab);
  c(SYN);
  s(SYN | ACK);
  c(ACK);
  s(ACK, Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'));
  c(ACK, Buffer.from('SSH-2.0-OpenSSH_9.2p1\r\n'));
  c(ACK, bytes(1448)); // KEXINIT, KEX_ECDH_INIT
  s(ACK, bytes(1088)); // KEXINIT, KEX_ECDH_REPLY, NEWKEYS
  c(ACK, Buffer.concat([Buffer.from([0, 0, 0, 12, 10, 21]), bytes(10)])); // NEWKEYS
  c(ACK, bytes(44)); // SERVICE_REQUEST
  s(ACK, bytes(44)); // SERVICE_ACCEPT
  c(ACK, bytes(60)); // USERAUTH_REQUEST none
  s(ACK, bytes(52)); // USERAUTH_FAILURE
  for (const r of tries) {
    c(ACK, bytes(92));
    s(ACK, bytes(r === 'ok' ? 28 : 52));
  }
  c(FIN | ACK);
  s(FIN | ACK);
}

describe('SSH: failed logins count, successful ones do not', () => {
  test('each failed password is an attempt: 6 in one connection raise the alert (balanced)', () => {
    const h = harness();
    sshConnection(h, '203.0.113.5', '10.0.0.2', T0, ['fail', 'fail', 'fail', 'fail', 'fail']);
    assert.equal(h.raised.length, 0);
    sshConnection(h, '203.0.113.5', '10.0.0.2', T0 + 1e6, ['fail']);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.attacker_ip, '203.0.113.5');
    assert.equal(h.raised[0]!.target_ip, '10.0.0.2');
    assert.equal(h.raised[0]!.target_port, 22);
    assert.equal(h.raised[0]!.packet_count, 6);
  });

  test('20 successful logins in 20 s, some after a wrong password, are no brute force (high-security)', () => {
    const h = harness({}, 'high-security');
    for (let i = 0; i < 20; i++) sshConnection(h, '203.0.113.5', '10.0.0.2', T0 + i * 1e6, i % 10 === 0 ? ['fail', 'ok'] : ['ok']);
    assert.deepEqual(h.raised, []);
  });

  test('connections that end before any login try still count one attempt each', () => {
    const h = harness();
    attempts(h, '203.0.113.5', '10.0.0.2', 22, 6);
    assert.equal(h.raised.length, 1);
    assert.equal(h.raised[0]!.packet_count, 6);
  });
});

describe('BruteForceDetector on recorded traffic', () => {
  for (const profile of ['high-security', 'balanced'] as const) {
    test(`hydra against sshd (${profile}): exactly one SSH_BRUTE_FORCE from 10.77.0.1`, async () => {
      const h = await replay('fixtures/hydra-ssh.pcap', profile);
      assert.equal(h.raised.length, 1);
      const a = h.raised[0]!;
      assert.equal(a.attack_type, 'SSH_BRUTE_FORCE');
      assert.equal(a.attacker_ip, '10.77.0.1');
      assert.equal(a.target_ip, '10.77.0.2');
      assert.equal(a.target_port, 22);
      // 48 wrong passwords (USERAUTH_FAILUREs after the "none" probe's) + hydra's first connection,
      // which ends after the probe without trying a password.
      assert.equal(a.packet_count, 49, 'every failed password counts');
      assert.ok(h.changed.every((c) => c === a));
    });
  }

  test('3 benign ssh sessions (balanced): no alert', async () => {
    const h = await replay('fixtures/benign-ssh.pcap', 'balanced');
    assert.equal(h.raised.length, 0);
  });

  // 7 logins within 5 s: 5 key sessions, a mistyped password, then the right one. Counting
  // connections raised SSH_BRUTE_FORCE here; only the one failed password counts now.
  for (const profile of ['high-security', 'balanced'] as const) {
    test(`ssh sessions and one mistyped password (${profile}): no alert`, async () => {
      const h = await replay('fixtures/benign-ssh-password.pcap', profile);
      assert.deepEqual(h.raised, []);
    });
  }

  test('a connect() port scan (balanced) is not a brute force', async () => {
    const h = await replay('fixtures/nmap-connect.pcap', 'balanced');
    assert.equal(h.raised.length, 0);
  });
});

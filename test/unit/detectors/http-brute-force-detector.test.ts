import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Alert } from '../../../src/model/alert.js';
import type { DetectorContext } from '../../../src/engine/detectors/detector.js';
import { HTTP_BRUTE_FORCE_THRESHOLDS, HttpBruteForceDetector } from '../../../src/engine/detectors/http-brute-force-detector.js';
import { BRUTE_FORCE_THRESHOLDS } from '../../../src/engine/detectors/service-table.js';
import { BruteForceDetector } from '../../../src/engine/detectors/brute-force-detector.js';
import { CidrSet } from '../../../src/net/cidr-set.js';
import { StreamRig } from '../../support/tcp-conversation.js';

const ATTACKER = '10.77.0.1';
const VICTIM = '10.77.0.2';

function context(homeNet: CidrSet | null = null) {
  const raised: Alert[] = [];
  const changed: Alert[] = [];
  const ctx: DetectorContext = { interfaceName: 'test0', platformInfo: 'Linux test', homeNet, raise: (a) => raised.push(a), changed: (a) => changed.push(a) };
  return { raised, changed, ctx };
}

const basic = (i: number) => `GET /protected/ HTTP/1.1\r\nHost: ${VICTIM}\r\nAuthorization: Basic ${Buffer.from(`admin:guess-${i}`).toString('base64')}\r\n\r\n`;
const form = (i: number) => {
  const body = `user=admin&pass=guess-${i}`;
  return `POST /login HTTP/1.1\r\nHost: ${VICTIM}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
};
const answer = (status: number, extra = '') => `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'No'}\r\n${extra}Content-Length: 6\r\n\r\ndenied`;

describe('HttpBruteForceDetector', () => {
  test('401 to Basic credentials: one alert at the balanced count, updated after, over one keep-alive connection', () => {
    const { raised, changed, ctx } = context();
    const det = new HttpBruteForceDetector(HTTP_BRUTE_FORCE_THRESHOLDS.balanced, ctx);
    const rig = new StreamRig([det]);
    const c = rig.connection(ATTACKER, VICTIM, 40001, 8080).open();
    for (let i = 1; i <= 9; i++) c.send(basic(i)).reply(answer(401, 'WWW-Authenticate: Basic realm="x"\r\n'));
    assert.equal(raised.length, 0, 'nine refusals: under the count');
    c.send(basic(10)).reply(answer(401));
    assert.equal(raised.length, 1);
    const a = raised[0]!;
    assert.equal(a.attack_type, 'HTTP_BRUTE_FORCE');
    assert.equal(a.attacker_ip, ATTACKER);
    assert.equal(a.target_port, 8080);
    assert.equal(a.attack_details.auth, 'basic');
    assert.equal(a.attack_details.path, '/protected/');
    assert.deepEqual(a.attack_details.statuses, { 401: 10 });
    c.send(basic(11)).reply(answer(401));
    assert.equal(raised.length, 1);
    assert.equal(changed.at(-1), a);
    assert.equal(a.attack_details.failures, 11);
  });

  test('403 to login-form posts over one connection each (as hydra makes them)', () => {
    const { raised, ctx } = context();
    const det = new HttpBruteForceDetector(HTTP_BRUTE_FORCE_THRESHOLDS.balanced, ctx);
    const rig = new StreamRig([det]);
    for (let i = 1; i <= 10; i++) rig.connection(ATTACKER, VICTIM, 41000 + i, 80).open().send(form(i)).reply(answer(403)).close();
    assert.equal(raised.length, 1);
    assert.equal(raised[0]!.attack_details.auth, 'form');
  });

  test('what is no login does not count: challenges without credentials, 403 on pages, a typo then the right password', () => {
    const { raised, ctx } = context();
    const det = new HttpBruteForceDetector(HTTP_BRUTE_FORCE_THRESHOLDS['high-security'], ctx);
    const rig = new StreamRig([det]);
    const c = rig.connection(ATTACKER, VICTIM, 40002, 80).open();
    for (let i = 0; i < 20; i++) c.send(`GET /protected/p${i} HTTP/1.1\r\nHost: x\r\n\r\n`).reply(answer(401)); // browser's first visit: challenged
    for (let i = 0; i < 20; i++) c.send(`GET /private/${i}/ HTTP/1.1\r\nHost: x\r\n\r\n`).reply(answer(403)); // forbidden directories
    c.send(basic(1)).reply(answer(401)).send(basic(2)).reply(answer(200));
    assert.equal(raised.length, 0);
  });

  test('the count is per window: refusals spread wider than the window never add up', () => {
    const { raised, ctx } = context();
    const det = new HttpBruteForceDetector({ windowSeconds: 60, failures: 5 }, ctx);
    const rig = new StreamRig([det]);
    const c = rig.connection(ATTACKER, VICTIM, 40003, 80).open();
    for (let i = 0; i < 12; i++) {
      c.send(basic(i)).reply(answer(401));
      rig.advance(20e6); // one every 20 s: at most 3 in any 60 s
    }
    assert.equal(raised.length, 0);
  });

  test('a server outside the home net is not ours', () => {
    const { raised, ctx } = context(CidrSet.parse(['192.0.2.0/24']));
    const det = new HttpBruteForceDetector({ windowSeconds: 60, failures: 2 }, ctx);
    const rig = new StreamRig([det]);
    const c = rig.connection(ATTACKER, VICTIM, 40004, 80).open();
    for (let i = 0; i < 5; i++) c.send(basic(i)).reply(answer(401));
    assert.equal(raised.length, 0);
  });
});

describe('FTP brute force read from 530 replies', () => {
  function ftpRig() {
    const { raised, changed, ctx } = context();
    const det = new BruteForceDetector(BRUTE_FORCE_THRESHOLDS.balanced, ctx);
    const rig = new StreamRig([det], {}, [det]);
    return { raised, changed, det, rig };
  }

  test('many passwords over one connection that stays open: every refused login counts', () => {
    const { raised, rig } = ftpRig();
    const c = rig.connection(ATTACKER, VICTIM, 42000, 21).open();
    c.reply('220 ready\r\n');
    for (let i = 1; i <= 9; i++) c.send('USER admin\r\n').reply('331 Password required\r\n').send(`PASS guess-${i}\r\n`).reply('530 Authentication failed.\r\n');
    assert.equal(raised.length, 0, 'the connection (1) and 8 further refusals: 9 < 10');
    c.send('USER admin\r\n').reply('331 Password required\r\n').send('PASS guess-10\r\n').reply('530 Authentication failed.\r\n');
    assert.equal(raised.length, 1);
    assert.equal(raised[0]!.attack_type, 'FTP_BRUTE_FORCE');
    assert.equal(raised[0]!.target_port, 21);
  });

  test('530 to other commands is no failed password; a typo then success stays quiet', () => {
    const { raised, rig } = ftpRig();
    const c = rig.connection(ATTACKER, VICTIM, 42001, 21).open();
    c.reply('220 ready\r\n');
    for (let i = 0; i < 20; i++) c.send('LIST\r\n').reply('530 Please login with USER and PASS.\r\n');
    c.send('USER admin\r\n').reply('331 ok\r\n').send('PASS typo\r\n').reply('530 Authentication failed.\r\n');
    c.send('USER admin\r\n').reply('331 ok\r\n').send('PASS right\r\n').reply('230 Login successful.\r\n');
    assert.equal(raised.length, 0);
  });
});

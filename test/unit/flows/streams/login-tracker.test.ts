import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LoginTracker, type LoginProtocol, type LoginReply } from '../../../../src/engine/flows/streams/login/login-tracker.js';

/** A conversation as alternating client (`C: `) and server (`S: `) lines; returns the verdicts. */
function converse(protocol: LoginProtocol, script: string): LoginReply[] {
  const replies: LoginReply[] = [];
  const t = new LoginTracker(protocol, { onLoginReply: (r) => replies.push({ ...r }) });
  for (const line of script.trim().split('\n')) {
    const side = line.startsWith('C: ') ? t.client : t.server;
    const bytes = Buffer.from(`${line.slice(3)}\r\n`, 'latin1');
    // Split in two segments: a line across segments is one line.
    side.data(bytes, 0, 3);
    side.data(bytes, 3, bytes.length - 3);
  }
  return replies;
}
const verdicts = (r: LoginReply[]) => r.map((x) => `${x.outcome}:${x.failures}`);

describe('LoginTracker: the server says whether a login failed', () => {
  test('FTP: 530 to PASS counts, 530 to other commands and 331 do not, 230 is success', () => {
    const r = converse('FTP', `
S: 220 ready
C: LIST
S: 530 Please login with USER and PASS.
C: USER admin
S: 331 Password required
C: PASS one
S: 530 Login incorrect.
C: USER admin
S: 331 Password required
C: PASS two
S: 230 Login successful.`);
    assert.deepEqual(verdicts(r), ['failure:1', 'success:1']);
    assert.equal(r[0]!.user, 'admin');
  });

  test('FTP: after AUTH TLS is accepted nothing more is read', () => {
    const r = converse('FTP', `
S: 220 ready
C: AUTH TLS
S: 234 Proceed
C: PASS x
S: 530 no`);
    assert.deepEqual(r, []);
  });

  test('POP3: -ERR to PASS, +OK to APOP', () => {
    const r = converse('POP3', `
S: +OK ready
C: USER admin
S: +OK
C: PASS wrong
S: -ERR [AUTH] Authentication failed.
C: APOP admin 0123456789abcdef0123456789abcdef
S: +OK Logged in.`);
    assert.deepEqual(verdicts(r), ['failure:1', 'success:1']);
  });

  test('IMAP: the tagged answer to LOGIN, not to other commands', () => {
    const r = converse('IMAP', `
S: * OK ready
C: a1 CAPABILITY
S: a1 OK done
C: a2 LOGIN admin wrong
S: a2 NO [AUTHENTICATIONFAILED] Authentication failed.
C: a3 SELECT inbox
S: a3 NO not logged in
C: a4 LOGIN "admin" right
S: a4 OK Logged in`);
    assert.deepEqual(verdicts(r), ['failure:1', 'success:1']);
    assert.equal(r[1]!.user, 'admin');
  });

  test('SMTP: 535 after AUTH LOGIN (through 334 continuations), 235 success', () => {
    const r = converse('SMTP', `
S: 220 mail ESMTP
C: EHLO x
S: 250 ok
C: AUTH LOGIN
S: 334 VXNlcm5hbWU6
C: YWRtaW4=
S: 334 UGFzc3dvcmQ6
C: d3Jvbmc=
S: 535 5.7.8 Authentication credentials invalid
C: AUTH PLAIN AGFkbWluAHJpZ2h0
S: 235 2.7.0 Authentication successful`);
    assert.deepEqual(verdicts(r), ['failure:1', 'success:1']);
  });
});

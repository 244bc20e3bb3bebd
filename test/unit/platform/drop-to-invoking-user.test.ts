import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dropToInvokingUser, type PrivilegeProcess } from '../../../src/platform/privileges/drop-to-invoking-user.js';

/** A process with Linux's rules: only uid 0 may change ids or groups. */
function fakeProcess(env: Record<string, string | undefined>, uid = 0): PrivilegeProcess & { calls: string[] } {
  let u = uid;
  let g = 0;
  let groups = [0, 1, 2];
  const calls: string[] = [];
  const needRoot = (what: string) => {
    calls.push(what);
    if (u !== 0) throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
  };
  return {
    env,
    calls,
    getuid: () => u,
    getgid: () => g,
    getgroups: () => [...groups],
    setgroups: (list) => {
      needRoot(`setgroups(${list.join(',')})`);
      groups = list;
    },
    setgid: (id) => {
      needRoot(`setgid(${id})`);
      g = id;
    },
    setuid: (id) => {
      needRoot(`setuid(${id})`);
      u = id;
    },
  };
}

describe('dropToInvokingUser', () => {
  test('under sudo: groups cleared, then gid, then uid, and root cannot be regained', () => {
    const proc = fakeProcess({ SUDO_UID: '1000', SUDO_GID: '1001' });
    assert.deepEqual(dropToInvokingUser(proc), { dropped: true, uid: 1000, gid: 1001 });
    assert.deepEqual(proc.calls, ['setgroups()', 'setgid(1001)', 'setuid(1000)', 'setuid(0)']);
    assert.equal(proc.getuid(), 1000);
    assert.deepEqual(proc.getgroups(), []);
  });

  test('not root, or root without sudo, or sudo to root: nothing changes', () => {
    for (const [env, uid] of [
      [{ SUDO_UID: '1000', SUDO_GID: '1000' }, 1000],
      [{}, 0],
      [{ SUDO_UID: '0', SUDO_GID: '0' }, 0],
      [{ SUDO_UID: '1000' }, 0],
      [{ SUDO_UID: '10x', SUDO_GID: '5' }, 0],
      [{ SUDO_UID: '-1', SUDO_GID: '5' }, 0],
    ] as const) {
      const proc = fakeProcess(env, uid);
      const r = dropToInvokingUser(proc);
      assert.equal(r.dropped, false, JSON.stringify(env));
      assert.deepEqual(proc.calls, []);
    }
  });

  test('a drop that does not take effect is an error, never a silent root UI', () => {
    const proc = fakeProcess({ SUDO_UID: '1000', SUDO_GID: '1000' });
    proc.setuid = () => {}; // e.g. a seccomp filter that makes setuid a no-op
    assert.throws(() => dropToInvokingUser(proc), /did not take effect/);
  });
});

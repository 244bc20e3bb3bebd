import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveTool, SYSTEM_PATH } from '../../../src/platform/exec/system-path.js';

describe('resolveTool: tools on the system path, whatever distribution', () => {
  test('the named absolute path when it is there; else the same name on the system path; else null', () => {
    const present = (set: string[]) => (p: string) => set.includes(p);
    assert.equal(resolveTool('/usr/bin/ss', SYSTEM_PATH, present(['/usr/bin/ss'])), '/usr/bin/ss');
    assert.equal(resolveTool('/usr/bin/ss', SYSTEM_PATH, present(['/usr/sbin/ss'])), '/usr/sbin/ss', 'RHEL');
    assert.equal(resolveTool('/usr/bin/ss', SYSTEM_PATH, present(['/sbin/ss'])), '/sbin/ss', 'Alpine');
    assert.equal(resolveTool('/usr/bin/ss', SYSTEM_PATH, present([])), null);
    assert.equal(resolveTool('/usr/bin/..', SYSTEM_PATH, present(['/usr/bin/..'])), '/usr/bin/..');
    assert.equal(resolveTool('..', SYSTEM_PATH, () => true), null);
  });

  test('$PATH is not consulted', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/tmp/evil';
    try {
      const found = resolveTool('/nonexistent/sh');
      assert.ok(found !== null && SYSTEM_PATH.some((d) => found === `${d}/sh`), String(found));
    } finally {
      process.env.PATH = saved;
    }
  });
});

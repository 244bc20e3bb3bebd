import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultHistoryPath, defaultLogDir, type PathContext } from '../../../src/store/default-paths.js';

const user = (env: NodeJS.ProcessEnv = {}): PathContext => ({ env, isRoot: false, home: '/home/ana', platform: 'linux' });

describe('default store locations', () => {
  test('root: /var/lib and /var/log', () => {
    const root: PathContext = { env: { XDG_STATE_HOME: '/elsewhere' }, isRoot: true, home: '/root', platform: 'linux' };
    assert.equal(defaultHistoryPath(root), '/var/lib/snoopy-tui/history.json');
    assert.equal(defaultLogDir(root), '/var/log/snoopy-tui');
  });

  test('a user: $XDG_STATE_HOME/snoopy-tui, else ~/.local/state/snoopy-tui; a relative XDG_STATE_HOME is ignored', () => {
    assert.equal(defaultHistoryPath(user({ XDG_STATE_HOME: '/xdg/state' })), '/xdg/state/snoopy-tui/history.json');
    assert.equal(defaultLogDir(user({ XDG_STATE_HOME: '/xdg/state' })), '/xdg/state/snoopy-tui/logs');
    assert.equal(defaultHistoryPath(user()), '/home/ana/.local/state/snoopy-tui/history.json');
    assert.equal(defaultHistoryPath(user({ XDG_STATE_HOME: 'relative/state' })), '/home/ana/.local/state/snoopy-tui/history.json');
    assert.equal(defaultLogDir(user({ XDG_STATE_HOME: '' })), '/home/ana/.local/state/snoopy-tui/logs');
  });

  test('the current process gets an absolute path', () => {
    assert.ok(defaultHistoryPath().startsWith('/'));
    assert.ok(defaultLogDir().startsWith('/'));
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCliArgs } from '../../../src/cli/args.js';
import { resolveRunConfig } from '../../../src/cli/resolve-config.js';
import { DEFAULT_STREAM_LIMITS } from '../../../src/engine/flows/streams/stream-table.js';

function withConfig(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'snoopy-streams-')), 's.json');
  writeFileSync(file, text);
  return resolveRunConfig(parseCliArgs(['-c', file]));
}

describe('config key streams', () => {
  test('defaults, and keys from the file merged over them', () => {
    assert.deepEqual(withConfig('{}').streams, DEFAULT_STREAM_LIMITS);
    const c = withConfig('{"streams": {"maxBodyBytes": 1024, "maxBytes": 8388608}}');
    assert.equal(c.streams.maxBodyBytes, 1024);
    assert.equal(c.streams.maxBytes, 8_388_608);
    assert.equal(c.streams.maxHeadBytes, DEFAULT_STREAM_LIMITS.maxHeadBytes);
  });

  test('bad values are one clear error naming the key', () => {
    assert.throws(() => withConfig('{"streams": {"maxBodyBytes": -1}}'), /key 'streams.maxBodyBytes' must be an integer/);
    assert.throws(() => withConfig('{"streams": {"maxBytes": 10}}'), /key 'streams.maxBytes' must be an integer/);
    assert.throws(() => withConfig('{"streams": {"bodyBytes": 10}}'), /unknown key 'streams.bodyBytes'/);
  });
});

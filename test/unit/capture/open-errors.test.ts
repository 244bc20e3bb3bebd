import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { SourceOpenError } from '../../../src/engine/capture/packet-source.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { buildPcap, frame, tmpPath, writeTmp } from './capture-builder.js';

async function openError(file: string, options?: Parameters<typeof openCaptureFile>[1]): Promise<string> {
  try {
    await openCaptureFile(file, options);
  } catch (err) {
    assert.ok(err instanceof SourceOpenError, `expected SourceOpenError, got ${String(err)}`);
    assert.equal(err.name, 'SourceOpenError');
    assert.ok(!err.message.includes('\n'), 'one line');
    return err.message;
  }
  assert.fail('openCaptureFile did not throw');
}

describe('openCaptureFile errors', () => {
  it('names a missing file', async () => {
    const file = tmpPath('does-not-exist.pcap');
    assert.equal(await openError(file), `capture file not found: ${file}`);
  });

  it('names an unreadable file', { skip: process.getuid?.() === 0 ? 'root can read any file' : false }, async () => {
    const file = writeTmp(buildPcap({ le: true }, []).bytes);
    fs.chmodSync(file, 0o000);
    assert.equal(await openError(file), `capture file not readable (permission denied): ${file}`);
  });

  it('refuses a directory', async () => {
    const dir = tmpPath('dir');
    fs.mkdirSync(dir);
    assert.equal(await openError(dir), `capture file is a directory, not a file: ${dir}`);
  });

  it('refuses an empty file', async () => {
    const file = writeTmp(Buffer.alloc(0));
    assert.equal(await openError(file), `capture file is empty: ${file}`);
  });

  it('shows the magic bytes of a file that is not a capture', async () => {
    const elf = writeTmp(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(40).fill(0)]));
    assert.equal(await openError(elf), `not a pcap or pcapng capture file: ${elf} (starts with 7f 45 4c 46)`);
    const text = writeTmp(Buffer.from('hello world, this is text\n'));
    assert.match(await openError(text), /starts with 68 65 6c 6c\)$/);
    const gz = writeTmp(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]));
    assert.match(await openError(gz), /starts with 1f 8b 08 00; it looks gzip-compressed/);
    const tiny = writeTmp(Buffer.from([0xd4, 0xc3]));
    assert.equal(await openError(tiny), `not a pcap or pcapng capture file: ${tiny} (only 2 bytes: d4 c3)`);
  });

  it('refuses a truncated pcap header', async () => {
    const file = writeTmp(buildPcap({ le: true }, []).bytes.subarray(0, 20));
    assert.equal(await openError(file), `truncated pcap file header: ${file} (20 of 24 bytes)`);
  });

  it('refuses an invalid speed', async () => {
    const file = writeTmp(buildPcap({ le: true }, [{ sec: 1, frac: 0, data: frame(10, 0) }]).bytes);
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-300, 1e300]) {
      assert.match(await openError(file, { speed }), /invalid replay speed/);
    }
  });

  it('refuses a FIFO and a device at once, in one line (a FIFO nobody writes to would hang)', { skip: process.platform === 'win32' }, async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = tmpPath('fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    assert.match(await openError(fifo), /^capture file is not a regular file \(a FIFO\): /);
    assert.match(await openError('/dev/zero'), /^capture file is not a regular file \(a character device\): \/dev\/zero$/);
    assert.ok(Date.now() - started < 2000);
  });
});

#!/usr/bin/env node
// Adds a stats() method to the `cap` 0.2.1 binding: pcap_stats() for the open handle, so live
// capture can report kernel drops (the stats line's `dropped`). cap exposes no such call and has no
// newer release; the change is a dozen lines of C++, applied here to node_modules/cap on every
// install (package.json "postinstall") and rebuilt with npm's own node-gyp, so a fresh clone gets
// it from `npm ci`. Idempotent: an already patched binding is left alone (use --force to rebuild).
// Without the patch the engine still runs; the drop count is then null ("n/a" in the header).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MARKER = '/* snoopy-tui: pcap_stats */';

const STATS_METHOD = `
    ${MARKER}
    static NAN_METHOD(Stats) {
      Pcap *obj = Nan::ObjectWrap::Unwrap<Pcap>(info.This());
      struct pcap_stat ps;
      if (!obj->pcap_handle || obj->closing || pcap_stats(obj->pcap_handle, &ps) != 0) {
        info.GetReturnValue().SetNull();
        return;
      }
      Local<Object> out = Nan::New<Object>();
      Nan::Set(out, Nan::New<String>("received").ToLocalChecked(), Nan::New<Number>(ps.ps_recv));
      Nan::Set(out, Nan::New<String>("dropped").ToLocalChecked(), Nan::New<Number>(ps.ps_drop));
      Nan::Set(out, Nan::New<String>("ifDropped").ToLocalChecked(), Nan::New<Number>(ps.ps_ifdrop));
      info.GetReturnValue().Set(out);
    }

    static void Initialize(Local<Object> target) {`;

function capDir() {
  try {
    const require = createRequire(join(process.cwd(), 'package.json'));
    return dirname(require.resolve('cap/package.json'));
  } catch {
    return null;
  }
}

const dir = capDir();
if (dir === null) {
  console.error('patch-cap: cap is not installed; nothing to patch');
  process.exit(0);
}
const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
const source = join(dir, 'src', 'binding.cc');
let text = readFileSync(source, 'utf8');
const force = process.argv.includes('--force');
if (text.includes(MARKER) && !force && existsSync(join(dir, 'build', 'Release', 'cap.node'))) {
  console.error(`patch-cap: cap ${version} already has stats()`);
  process.exit(0);
}
if (!text.includes(MARKER)) {
  if (version !== '0.2.1') console.error(`patch-cap: written for cap 0.2.1, found ${version}; trying anyway`);
  const init = '    static void Initialize(Local<Object> target) {';
  const register = '      Nan::SetPrototypeMethod(tpl, "close", Close);';
  if (!text.includes(init) || !text.includes(register)) {
    console.error('patch-cap: binding.cc does not look like cap 0.2.1; not patched (drops will show as n/a)');
    process.exit(0);
  }
  text = text.replace(init, STATS_METHOD).replace(register, `${register}\n      Nan::SetPrototypeMethod(tpl, "stats", Stats);`);
  writeFileSync(source, text);
}

// npm sets npm_config_node_gyp to its bundled node-gyp while running scripts; by hand, use npm's.
const gyp = process.env.npm_config_node_gyp;
const result = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
  : spawnSync('npm', ['rebuild', 'cap', '--foreground-scripts'], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'inherit'] });
if (result.status !== 0) {
  console.error('patch-cap: rebuilding cap failed (is libpcap-dev installed?); drops will show as n/a');
  process.exit(0);
}
console.error(`patch-cap: cap ${version} rebuilt with stats()`);

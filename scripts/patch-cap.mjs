#!/usr/bin/env node
// Adds two things to the `cap` 0.2.1 binding, which has no newer release:
//  - stats(): pcap_stats() for the open handle, so live capture can report kernel drops (the
//    stats line's `dropped`);
//  - setBatchMode(true): instead of one JavaScript call per packet (an emit through an async
//    scope each, which costs more than the engine's work on a small packet and made the kernel
//    ring overflow under floods that tcpdump takes without a drop), each readable wake-up drains
//    libpcap with pcap_dispatch(-1) into the shared buffer as records
//      [u32 caplen][u32 original length][u32 ts seconds][u32 ts microseconds][caplen bytes]
//    (host byte order) and emits one 'batch' (bytes used, record count) when the buffer is full or
//    libpcap has nothing more;
//  - a ring that holds a flood: cap asks libpcap for immediate mode, in which libpcap on Linux uses
//    TPACKET_V2 with one fixed slot per packet sized for the 65535-byte snaplen, so a 32 MiB buffer
//    held only ~500 packets (a few milliseconds of a flood: any pause of the event loop dropped
//    packets). Without it libpcap uses TPACKET_V3, which packs packets by their real length into
//    blocks; the read timeout (how long a block waits to fill before it is handed over) goes from
//    1000 ms to 5 ms, so packets still reach the engine within a few milliseconds.
// A few dozen lines of C++, applied here to node_modules/cap on every install (package.json
// "postinstall") and rebuilt with npm's own node-gyp, so a fresh clone gets them from `npm ci`.
// Idempotent: each part is applied once (markers), and an already patched and built binding is left
// alone (use --force to rebuild). Without the patch the engine still runs: drops are then null
// ("n/a" in the header) and packets come one call each.
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

const BATCH_MARKER = '/* snoopy-tui: batch mode */';
const RING_MARKER = '/* snoopy-tui: packed ring */';

const IMMEDIATE = `#if __linux__
      if (set_immediate_mode != nullptr)
        set_immediate_mode(obj->pcap_handle, 1);
#endif
`;
const TIMEOUT = 'if (pcap_set_timeout(obj->pcap_handle, 1000) != 0)';
const PACKED_RING = `      ${RING_MARKER}
      // No immediate mode: libpcap would use TPACKET_V2, one 64 KiB slot per packet. TPACKET_V3
      // packs packets into blocks; a block is handed over when full or after the 5 ms timeout.
`;

const BATCH_FIELDS = `    ${BATCH_MARKER}
    bool batch_mode = false;
    size_t batch_used = 0;
    uint32_t batch_count = 0;
    pcap_t *pcap_handle;`;

const BATCH_METHODS = `
    ${BATCH_MARKER}
    static void FlushBatch(Pcap *obj) {
      if (obj->batch_count == 0) return;
      Nan::HandleScope scope;
      Local<Value> argv[3] = {
        Nan::New<String>("batch").ToLocalChecked(),
        Nan::New<Number>((double)obj->batch_used),
        Nan::New<Number>((double)obj->batch_count)
      };
      obj->batch_used = 0;
      obj->batch_count = 0;
      obj->async_res.runInAsyncScope(Nan::New<Object>(obj->persistent()), Nan::New<Function>(obj->Emit), 3, argv);
    }

    static void EmitBatched(u_char* user, const struct pcap_pkthdr* pkt_hdr, const u_char* pkt_data) {
      Pcap *obj = (Pcap*) user;
      if (obj->closing || obj->buffer_data == nullptr || obj->buffer_length <= 16) return;
      size_t copy_len = pkt_hdr->caplen;
      if (copy_len > obj->buffer_length - 16) copy_len = obj->buffer_length - 16;
      if (obj->batch_used + 16 + copy_len > obj->buffer_length) {
        FlushBatch(obj);
        if (obj->closing || obj->buffer_data == nullptr) return;
      }
      char *p = obj->buffer_data + obj->batch_used;
      uint32_t head[4] = { (uint32_t)copy_len, (uint32_t)pkt_hdr->len, (uint32_t)pkt_hdr->ts.tv_sec, (uint32_t)pkt_hdr->ts.tv_usec };
      memcpy(p, head, 16);
      memcpy(p + 16, pkt_data, copy_len);
      obj->batch_used += 16 + copy_len;
      obj->batch_count++;
    }

    static NAN_METHOD(SetBatchMode) {
      Pcap *obj = Nan::ObjectWrap::Unwrap<Pcap>(info.This());
      obj->batch_mode = info.Length() > 0 && Nan::To<bool>(info[0]).FromJust();
      info.GetReturnValue().Set(Nan::New<Boolean>(obj->batch_mode));
    }

    static void Initialize(Local<Object> target) {`;

const PER_PACKET_LOOP = `        do {
          packet_count = pcap_dispatch(obj->pcap_handle,
                                       1,
                                       Pcap::EmitPacket,
                                       (u_char*)obj);
        } while (packet_count > 0 && !obj->closing);
`;

const BATCH_LOOP = `        if (obj->batch_mode) {
          do {
            packet_count = pcap_dispatch(obj->pcap_handle, -1, Pcap::EmitBatched, (u_char*)obj);
          } while (packet_count > 0 && !obj->closing);
          if (!obj->closing) FlushBatch(obj);
        } else {
${PER_PACKET_LOOP}        }
`;

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
if (text.includes(MARKER) && text.includes(BATCH_MARKER) && text.includes(RING_MARKER) && !force && existsSync(join(dir, 'build', 'Release', 'cap.node'))) {
  console.error(`patch-cap: cap ${version} already has stats(), batch mode and the packed ring`);
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
if (!text.includes(BATCH_MARKER)) {
  const init = '    static void Initialize(Local<Object> target) {';
  const register = '      Nan::SetPrototypeMethod(tpl, "close", Close);';
  const field = '    pcap_t *pcap_handle;';
  // The poll callback of non-Windows builds is the second copy of the per-packet loop.
  const loopAt = text.indexOf(PER_PACKET_LOOP, text.indexOf('static void cb_packets(uv_poll_t* handle'));
  if (!text.includes(init) || !text.includes(register) || text.split(field).length !== 2 || loopAt < 0) {
    console.error('patch-cap: binding.cc does not look like cap 0.2.1; batch mode not added (one call per packet)');
  } else {
    text = text.slice(0, loopAt) + BATCH_LOOP + text.slice(loopAt + PER_PACKET_LOOP.length);
    text = text.replace(field, BATCH_FIELDS).replace(init, BATCH_METHODS).replace(register, `${register}\n      Nan::SetPrototypeMethod(tpl, "setBatchMode", SetBatchMode);`);
    writeFileSync(source, text);
  }
}
if (!text.includes(RING_MARKER)) {
  if (!text.includes(IMMEDIATE) || !text.includes(TIMEOUT)) {
    console.error('patch-cap: binding.cc does not look like cap 0.2.1; ring left as it is (immediate mode)');
  } else {
    text = text.replace(IMMEDIATE, PACKED_RING).replace(TIMEOUT, 'if (pcap_set_timeout(obj->pcap_handle, 5) != 0)');
    writeFileSync(source, text);
  }
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
console.error(`patch-cap: cap ${version} rebuilt with stats(), batch mode and the packed ring`);

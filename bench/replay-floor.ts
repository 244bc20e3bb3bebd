/**
 * The floor under the whole-pipeline replay: how fast the stages before the detectors go on
 * their own, in a fresh process, over the dist build:
 *
 *   node --import tsx bench/replay-floor.ts FILE read|decode|flows
 *
 * read   = the capture file reader handing each record to an empty sink;
 * decode = that plus decoding every frame (link, IP, transport) into one reused Packet;
 * flows  = that plus the flow table (run-config's default capacity), no detectors.
 * Whole-pipeline throughput can never pass the `flows` figure; the gap between them is what
 * the detectors, the stream layer and the alert path cost. Prints one JSON object.
 */
type OpenCaptureFileModule = typeof import('../src/engine/capture/file/open-capture-file.js');
type DecodeModule = typeof import('../src/engine/decode/decode-frame.js');
type PacketModule = typeof import('../src/engine/decode/packet.js');
type MalformedModule = typeof import('../src/engine/decode/malformed.js');
type FlowTableModule = typeof import('../src/engine/flows/flow-table.js');
type RunConfigModule = typeof import('../src/config/run-config.js');

import { FLOOR_STAGES, type FloorStage, type ReplayFloorResult } from './replay-floor-stages.js';

/** The tsc build in dist/, as the CLI runs it (imported by computed path: run.ts imports this file's types only). */
const base = '../dist/';
const { openCaptureFile } = (await import(`${base}engine/capture/file/open-capture-file.js`)) as OpenCaptureFileModule;
const { decodeFrame, DecodeResult } = (await import(`${base}engine/decode/decode-frame.js`)) as DecodeModule;
const { Packet } = (await import(`${base}engine/decode/packet.js`)) as PacketModule;
const { MalformedCounters } = (await import(`${base}engine/decode/malformed.js`)) as MalformedModule;
const { FlowTable } = (await import(`${base}engine/flows/flow-table.js`)) as FlowTableModule;
const { defaultRunConfig } = (await import(`${base}config/run-config.js`)) as RunConfigModule;

async function main(): Promise<void> {
  const [file, stage] = process.argv.slice(2);
  if (file === undefined || !FLOOR_STAGES.includes(stage as FloorStage)) {
    process.stderr.write(`usage: node --import tsx bench/replay-floor.ts FILE ${FLOOR_STAGES.join('|')}\n`);
    process.exitCode = 64;
    return;
  }
  const source = await openCaptureFile(file, { speed: 'max' });
  const pkt = new Packet();
  const malformed = new MalformedCounters();
  const flows = new FlowTable(defaultRunConfig().flows.capacity);
  const decode = stage !== 'read';
  const track = stage === 'flows';
  let packets = 0;
  const t0 = process.hrtime.bigint();
  const end = await source.start((buf, offset, capLen, wireLen, ts, linkType) => {
    packets++;
    if (!decode) return;
    const r = decodeFrame(pkt, buf, offset, capLen, wireLen, ts, linkType, malformed);
    if (track && r === DecodeResult.IP && !pkt.isFragment) flows.update(pkt);
  });
  const runMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (end.reason !== 'eof') throw new Error(`${file}: ${end.reason} ${end.error ?? ''}`);
  const result: ReplayFloorResult = { stage: stage as FloorStage, packets, run_ms: Math.round(runMs * 1000) / 1000, pps: Math.round(packets / (runMs / 1000)) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();

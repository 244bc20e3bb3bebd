import type { RunConfig } from '../../config/run-config.js';
import { openCaptureFile } from './file/open-capture-file.js';
import { LiveCaptureSource } from './live/live-capture-source.js';
import type { PacketSource } from './packet-source.js';

/** The packet source a run config asks for: a capture file to replay, or a live interface. */
export async function openPacketSource(config: RunConfig): Promise<PacketSource> {
  if (config.replayFile !== null) return openCaptureFile(config.replayFile, { speed: config.speed });
  return new LiveCaptureSource({ interface: config.interface, bpf: config.bpf, bufferBytes: config.captureBufferBytes });
}

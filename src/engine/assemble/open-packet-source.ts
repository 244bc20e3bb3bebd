import type { RunConfig } from '../../config/run-config.js';
import type { Host } from '../../host/host.js';
import { openCaptureFile } from '../capture/file/open-capture-file.js';
import type { PacketSource } from '../capture/packet-source.js';

/** The packet source a run config asks for: a capture file to replay, or the host's live capture. */
export async function openPacketSource(config: RunConfig, host: Host): Promise<PacketSource> {
  if (config.replayFile !== null) return openCaptureFile(config.replayFile, { speed: config.speed });
  return host.openLiveCapture({ interface: config.interface, bpf: config.bpf, bufferBytes: config.captureBufferBytes });
}

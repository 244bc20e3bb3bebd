export {
  ForensicRecorder,
  type ForensicCaptureState,
  type ForensicEndReason,
  type ForensicFileInfo,
  type ForensicRecorderOptions,
  type ForensicStats,
} from './forensic-recorder.js';
export { defaultPcapDir } from './default-pcap-dir.js';
export { forensicFileName } from './file-name.js';
export { nodeForensicFileSystem, type ForensicFile, type ForensicFileSystem } from './forensic-files.js';
export { FORENSIC_SNAPLEN, FrameRing } from './frame-ring.js';

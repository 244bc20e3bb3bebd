import type { RunConfig } from '../../config/run-config.js';
import { defaultPcapDir } from '../../store/forensic/default-pcap-dir.js';
import { ForensicRecorder } from '../../store/forensic/forensic-recorder.js';

/** Live runs keep forensic pcaps at the default place; replays only with --pcap-dir. */
export function openForensic(config: RunConfig, warn: (line: string) => void): ForensicRecorder | null {
  const dir = config.pcapDir ?? (config.replayFile === null ? defaultPcapDir() : null);
  return dir === null ? null : new ForensicRecorder({ pcapDir: dir, onProblem: warn });
}

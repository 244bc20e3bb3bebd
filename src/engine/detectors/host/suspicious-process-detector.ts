import type { Alert } from '../../../model/alert.js';
import type { ProcessSample } from '../../../model/process-sample.js';
import type { DetectorContext } from '../detector.js';
import { LOCAL_ATTACKER } from '../auth-log/suspicious-command-detector.js';
import { newAlert } from '../new-alert.js';
import { compileCommandPatterns, matchCommand, type CommandPattern } from './suspicious-commands.js';
import { positiveNumber, seconds } from '../../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from '../detector-descriptor.js';

export interface SuspiciousProcessConfig {
  /** CPU use of one process (percent of one core) that counts as high. */
  cpuPercent: number;
  /** How long the CPU use must stay high before an alert. */
  sustainedSeconds: number;
  /** New alerts per minute at most; more are counted, not raised. */
  maxAlertsPerMinute?: number;
  /** Kernel clock ticks per second (USER_HZ; 100 on Linux). */
  ticksPerSecond?: number;
  /** Processes never reported (our own). */
  ignorePids?: readonly number[];
}

interface Tracked {
  cpuTicks: number;
  at: number;
  /** Since when the CPU use has been over the threshold, or -1. */
  highSince: number;
  cpuAlerted: boolean;
  cmdAlerted: boolean;
}

const MAX_TEXT = 1024;

/**
 * SUSPICIOUS_PROCESS from /proc samples: a process whose command
 * line matches the suspicious-command patterns, or that keeps a core busy over the threshold for
 * the sustained time. One alert per process and reason; at most `maxAlertsPerMinute` new alerts.
 * Process names and command lines go into the alert raw (the UI sanitizes them).
 */
export class SuspiciousProcessDetector {
  private readonly tracked = new Map<number, Tracked>();
  private readonly ignore: Set<number>;
  private windowStart = 0;
  private raisedInWindow = 0;
  rateLimited = 0;

  constructor(
    private config: SuspiciousProcessConfig,
    private readonly patterns: readonly CommandPattern[],
    private readonly ctx: DetectorContext,
  ) {
    this.ignore = new Set(config.ignorePids ?? []);
  }

  /** New thresholds (SIGHUP); processes keep their history. */
  reconfigure(config: SuspiciousProcessSettings): void {
    this.config = { ...this.config, ...config };
  }

  onSample(samples: readonly ProcessSample[], nowMicros: number): void {
    const hz = this.config.ticksPerSecond ?? 100;
    const seen = new Set<number>();
    for (const s of samples) {
      if (this.ignore.has(s.pid)) continue;
      seen.add(s.pid);
      let t = this.tracked.get(s.pid);
      if (t === undefined) {
        t = { cpuTicks: s.cpuTicks, at: nowMicros, highSince: -1, cpuAlerted: false, cmdAlerted: false };
        this.tracked.set(s.pid, t);
      } else {
        const seconds = (nowMicros - t.at) / 1e6;
        const percent = seconds > 0 ? ((s.cpuTicks - t.cpuTicks) / hz / seconds) * 100 : 0;
        t.cpuTicks = s.cpuTicks;
        t.at = nowMicros;
        if (percent >= this.config.cpuPercent) {
          if (t.highSince < 0) t.highSince = nowMicros - seconds * 1e6;
          if (!t.cpuAlerted && nowMicros - t.highSince >= this.config.sustainedSeconds * 1e6) {
            if (this.raise(s, nowMicros, { reason: 'high_cpu', cpu_percent: Math.round(percent), sustained_seconds: Math.round((nowMicros - t.highSince) / 1e6) }, 'medium')) t.cpuAlerted = true;
          }
        } else {
          t.highSince = -1;
        }
      }
      if (!t.cmdAlerted && s.cmdline !== '') {
        const pattern = matchCommand(this.patterns, s.cmdline);
        if (pattern !== null && this.raise(s, nowMicros, { reason: 'suspicious_cmdline', pattern: pattern.name }, 'high')) t.cmdAlerted = true;
      }
    }
    // Gone processes are forgotten: the table is as large as the process list, no larger.
    for (const pid of this.tracked.keys()) if (!seen.has(pid)) this.tracked.delete(pid);
  }

  private raise(s: ProcessSample, nowMicros: number, details: Record<string, unknown>, severity: Alert['severity']): boolean {
    if (nowMicros - this.windowStart >= 60e6) {
      this.windowStart = nowMicros;
      this.raisedInWindow = 0;
    }
    if (this.raisedInWindow >= (this.config.maxAlertsPerMinute ?? 10)) {
      this.rateLimited++;
      return false;
    }
    this.raisedInWindow++;
    const alert = newAlert(this.ctx, {
      attackType: 'SUSPICIOUS_PROCESS',
      severity,
      attacker: LOCAL_ATTACKER,
      nowMicros,
      details: { source: 'proc', pid: s.pid, name: s.name.slice(0, MAX_TEXT), cmdline: s.cmdline.slice(0, MAX_TEXT), ...details },
    });
    alert.process = s.name.slice(0, MAX_TEXT);
    alert.packet_count = 1;
    this.ctx.raise(alert, nowMicros);
    return true;
  }

  onTick(): void {}
}

export type SuspiciousProcessSettings = Pick<SuspiciousProcessConfig, 'cpuPercent' | 'sustainedSeconds'>;

/**
 * SUSPICIOUS_PROCESS from /proc (live only). A build or a backup keeps a core busy for minutes,
 * so the sustained time is long enough that only something that never stops is reported.
 */
export const suspiciousProcessDescriptor: ConfiguredDetectorDescriptor<'suspiciousProcess', SuspiciousProcessSettings, SuspiciousProcessDetector> = {
  name: 'suspiciousProcess',
  stage: 'host',
  settings: {
    defaults: { 'high-security': { cpuPercent: 80, sustainedSeconds: 60 }, balanced: { cpuPercent: 90, sustainedSeconds: 120 }, development: { cpuPercent: 98, sustainedSeconds: 300 } },
    schema: { cpuPercent: positiveNumber, sustainedSeconds: seconds },
  },
  create: (settings, inputs) =>
    inputs.live && inputs.processSampling
      ? new SuspiciousProcessDetector({ ...settings, ignorePids: [inputs.ownPid] }, compileCommandPatterns(inputs.config.suspiciousCommands), inputs.context)
      : null,
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};

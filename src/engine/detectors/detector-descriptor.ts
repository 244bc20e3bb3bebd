import type { ProfileName } from '../../config/profile-name.js';
import type { Schema } from '../../config/checkers.js';
import type { RiskyPort } from '../../config/risky-port.js';
import type { AttackType } from '../../model/alert.js';
import type { AddressBlocklist } from './blocklist/address-blocklist.js';
import type { DetectorContext } from './detector.js';

/**
 * Where a detector sits in a run: `packet` sees every decoded packet, `flowStart` only packets
 * that open a flow (and ICMP, and untracked packets), `stream` only the events of reassembled TCP
 * streams (HTTP requests and answers, login replies), `host` is fed by other inputs (the auth
 * log, process samples). All are ticked. A detector of any stage hears stream events by
 * implementing StreamListener.
 */
export type DetectorStage = 'packet' | 'flowStart' | 'stream' | 'host';

/** The parts of a run's config that detectors read besides their own settings (a RunConfig is one). */
export interface DetectorConfig {
  /** PORT_SCAN's settings, which slow scans and IP-protocol scans follow. */
  readonly thresholds: { readonly portScan: { readonly ports: number; readonly windowSeconds: number } };
  /** Extra payload patterns by attack type (config key `signatures`). */
  readonly signatures: Partial<Record<AttackType, string[]>>;
  /** Risky ports (config key `suspiciousPorts`); null = the default table. */
  readonly suspiciousPorts: Record<number, RiskyPort> | null;
  /** Extra suspicious-command patterns (config key `suspiciousCommands`). */
  readonly suspiciousCommands: readonly string[];
}

/** What a detector may be built from besides its own settings. */
export interface DetectorInputs {
  context: DetectorContext;
  /** The whole run config, for detectors configured by top-level keys (signatures, suspiciousPorts …). */
  config: DetectorConfig;
  /** Loaded --blocklist files. */
  blocklists: readonly AddressBlocklist[];
  /** The run captures live (processes and the auth log are this host's). */
  live: boolean;
  /** An auth log is watched in this run. */
  authLog: boolean;
  /** /proc is sampled in this run. */
  processSampling: boolean;
  /** Our own process id, never reported as suspicious. */
  ownPid: number;
  /** A detector built earlier in registry order, by name (slow scans read PORT_SCAN's pairs). */
  built(name: string): unknown;
}

/**
 * Everything the rest of the program needs to know about one detector: the key of its settings
 * under `thresholds`, their defaults per profile and their config-file checkers, how to build it
 * and how it takes new settings on reload. Profiles, config validation, construction and SIGHUP
 * reload are all driven from the list of these in registry.ts.
 */
export interface DetectorDescriptor<Name extends string = string, Settings = unknown, Instance = unknown> {
  readonly name: Name;
  readonly stage: DetectorStage;
  /** Settings under `thresholds.<name>`; absent when the detector reads top-level keys or none. */
  readonly settings?: { readonly defaults: Readonly<Record<ProfileName, Settings>>; readonly schema: Schema };
  /** The detector for a run, or null when this run has nothing for it (no blocklist, no auth log …). */
  create(settings: Settings, inputs: DetectorInputs): Instance | null;
  /**
   * New settings while running (SIGHUP); the detector keeps its state. Returns the settings it
   * could not take (they apply after a restart). Absent: nothing it reads changes without a restart.
   */
  reconfigure?(detector: Instance, settings: Settings, config: DetectorConfig): string[];
}

/** A descriptor whose settings live under `thresholds.<name>`. */
export type ConfiguredDetectorDescriptor<Name extends string, Settings, Instance> = DetectorDescriptor<Name, Settings, Instance> & {
  readonly settings: { readonly defaults: Readonly<Record<ProfileName, Settings>>; readonly schema: Schema };
};

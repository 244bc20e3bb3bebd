import type { ConfigFile } from './config-file.js';
import { ConfigError } from './config-error.js';
import { mergeSettings } from './checkers.js';
import type { RunConfig } from './run-config.js';
import { applyNotificationsFile } from './apply-notifications.js';
import { FLEET_KEYS } from './apply-fleet-options.js';
import { compileSignatures } from '../engine/detectors/signatures/patterns.js';
import { compileCommandPatterns } from '../engine/detectors/host/suspicious-commands.js';

/** Config-file keys whose RunConfig field has another name; every other plain key has the same one. */
const RUN_CONFIG_KEY: Partial<Record<keyof ConfigFile, keyof RunConfig>> = {
  refresh: 'refreshSeconds',
  blockDuration: 'blockDurationSeconds',
  maxBlockDuration: 'maxBlockDurationSeconds',
  history: 'historyFile',
};

/** Keys applied by hand below (decided elsewhere, converted, or checked further). */
const SPECIAL = new Set<keyof ConfigFile>(['profile', 'threshold', 'thresholds', 'flows', 'streams', 'signatures', 'suspiciousPorts', 'suspiciousCommands', 'notifications', ...FLEET_KEYS]);

/**
 * Applies a checked config file onto `config` (defaults and profile already in place). Values
 * were range-checked by the schema; what is checked here needs more than one value or a compile.
 */
export function applyConfigFile(config: RunConfig, file: ConfigFile, source: string): void {
  const target = config as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(file) as [keyof ConfigFile, unknown][]) {
    if (value === undefined || SPECIAL.has(key)) continue;
    target[RUN_CONFIG_KEY[key] ?? key] = value;
  }
  if (file.thresholds !== undefined) config.thresholds = mergeSettings(config.thresholds, file.thresholds);
  if (file.threshold !== undefined) config.thresholds.portScan.ports = file.threshold;
  if (file.flows !== undefined) config.flows = mergeSettings(config.flows, file.flows);
  if (file.streams !== undefined) config.streams = mergeSettings(config.streams, file.streams);
  if (file.suspiciousPorts !== undefined) {
    config.suspiciousPorts = Object.fromEntries(Object.entries(file.suspiciousPorts).map(([port, spec]) => [Number(port), { name: spec!.service, risk: spec!.risk }]));
  }
  if (file.signatures !== undefined) {
    try {
      // Compiled now so a bad pattern is one line naming it, before anything starts.
      compileSignatures(file.signatures);
    } catch (e) {
      throw new ConfigError(`config file ${source}: key 'signatures': ${(e as Error).message}`);
    }
    config.signatures = file.signatures as RunConfig['signatures'];
  }
  if (file.suspiciousCommands !== undefined) {
    try {
      compileCommandPatterns(file.suspiciousCommands);
    } catch (e) {
      throw new ConfigError(`config file ${source}: key 'suspiciousCommands': ${(e as Error).message}`);
    }
    config.suspiciousCommands = file.suspiciousCommands;
  }
  if (file.notifications !== undefined) applyNotificationsFile(config.notifications, file.notifications, source);
  config.configFile = source === '' ? null : source;
}

import type { ConfigFile } from './config-file.js';
import { parseListenAddress, parseSyslogRemote, resolveCrowdsec } from './fleet-options.js';
import type { RunConfig } from './run-config.js';

/** Config keys of the fleet and the outputs past this host, resolved together with their flags. */
export const FLEET_KEYS = ['crowdsec', 'crowdsecMachine', 'crowdsecBouncerKey', 'crowdsecPullInterval', 'metrics', 'eve', 'syslogRemote'] as const satisfies readonly (keyof ConfigFile)[];

/** The same settings as flags (`--crowdsec` …), which win over the file's keys. */
export interface FleetFlags {
  crowdsec?: string;
  crowdsecMachine?: string;
  crowdsecBouncerKey?: string;
  metrics?: string;
  eve?: string;
  syslogRemote?: string;
}

/** Resolves flags over config keys into `config`: credentials files are read here (one clear error line). */
export function applyFleetOptions(config: RunConfig, file: ConfigFile, flags: FleetFlags): void {
  config.crowdsec = resolveCrowdsec({
    ...defined('url', flags.crowdsec ?? file.crowdsec),
    ...defined('machine', flags.crowdsecMachine ?? file.crowdsecMachine),
    ...defined('bouncerKey', flags.crowdsecBouncerKey ?? file.crowdsecBouncerKey),
    ...defined('pullSeconds', file.crowdsecPullInterval),
  });
  const metrics = flags.metrics ?? file.metrics;
  config.metrics = metrics === undefined ? null : parseListenAddress(metrics, '--metrics');
  const eve = flags.eve ?? file.eve;
  config.eveFile = eve === undefined ? null : eve;
  const remote = flags.syslogRemote ?? file.syslogRemote;
  config.syslogRemote = remote === undefined ? null : parseSyslogRemote(remote, '--syslog-remote');
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isHttpUrl, parseBouncerKey, parseMachineCredentials, type MachineCredentials } from '../fleet/lapi-credentials.js';
import { ConfigError } from './config-error.js';

/** Where a TCP or UDP service listens or is reached. */
export interface HostPort {
  host: string;
  port: number;
}

/** The CrowdSec Local API and this host's roles with it; null when the run is not part of a fleet. */
export interface CrowdsecSettings {
  url: string;
  /** Watcher role (push); the file's machine name is the origin of our decisions. */
  machine: MachineCredentials | null;
  /** Path of the credentials file, for messages. */
  machineFile: string | null;
  /** Bouncer role (pull): the API key itself (never shown). */
  bouncerKey: string | null;
  /** Seconds between pulls of decisions. */
  pullSeconds: number;
}

/** The CrowdSec options as given (flags over config keys), before they are read. */
export interface CrowdsecSpec {
  url?: string;
  machine?: string;
  bouncerKey?: string;
  pullSeconds?: number;
}

/**
 * Reads the credentials file and the key (`@FILE`) and checks that the pieces fit: a bouncer key
 * needs a URL (the machine file carries one), either role alone is fine. Messages never show a key
 * or a password.
 */
export function resolveCrowdsec(spec: CrowdsecSpec, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): CrowdsecSettings | null {
  if (spec.url === undefined && spec.machine === undefined && spec.bouncerKey === undefined) return null;
  if (spec.url !== undefined && !isHttpUrl(spec.url)) throw new ConfigError('--crowdsec must be the Local API as an http:// or https:// URL (without user:password)');
  let machine: MachineCredentials | null = null;
  if (spec.machine !== undefined) {
    let text: string;
    try {
      text = read(spec.machine);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConfigError(`--crowdsec-machine: cannot read ${spec.machine}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable'}`);
    }
    try {
      machine = parseMachineCredentials(text, spec.machine);
    } catch (e) {
      throw new ConfigError(`--crowdsec-machine: ${(e as Error).message}`);
    }
  }
  let bouncerKey: string | null = null;
  if (spec.bouncerKey !== undefined) {
    try {
      bouncerKey = parseBouncerKey(spec.bouncerKey, read);
    } catch (e) {
      throw new ConfigError(`--crowdsec-bouncer-key: ${(e as Error).message}`);
    }
  }
  const url = spec.url ?? machine?.url;
  if (url === undefined) throw new ConfigError('--crowdsec-bouncer-key needs --crowdsec URL (the Local API to pull decisions from)');
  if (machine === null && bouncerKey === null) throw new ConfigError('--crowdsec needs a role: --crowdsec-machine FILE (push our blocks) and/or --crowdsec-bouncer-key KEY|@FILE (pull decisions)');
  return { url, machine, machineFile: spec.machine ?? null, bouncerKey, pullSeconds: spec.pullSeconds ?? 2 };
}

/** `ADDR:PORT`, `[v6]:PORT`, `:PORT` or `PORT` (localhost) for --metrics. */
export function parseListenAddress(text: string, flag: string): HostPort {
  const t = text.trim();
  let host = '127.0.0.1';
  let portText = t;
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(t);
  if (v6 !== null) {
    host = v6[1]!;
    portText = v6[2]!;
  } else if (t.includes(':')) {
    const colon = t.lastIndexOf(':');
    if (colon > 0) host = t.slice(0, colon);
    portText = t.slice(colon + 1);
  }
  return { host: checkHost(host, flag), port: checkPort(portText, flag) };
}

/** `udp://HOST:PORT` or `tcp://HOST:PORT` (port 514 when left out) for --syslog-remote. */
export function parseSyslogRemote(text: string, flag: string): HostPort & { transport: 'udp' | 'tcp' } {
  const m = /^(udp|tcp):\/\/(\[[^\]]+\]|[^:/[\]]+)(?::(\d+))?\/?$/.exec(text.trim());
  if (m === null) throw new ConfigError(`${flag} must be udp://HOST:PORT or tcp://HOST:PORT, got ${JSON.stringify(text)}`);
  const host = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { transport: m[1] as 'udp' | 'tcp', host: checkHost(host, flag), port: m[3] === undefined ? 514 : checkPort(m[3], flag) };
}

function checkHost(host: string, flag: string): string {
  if (isIP(host) !== 0) return host;
  if (/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(host)) return host;
  throw new ConfigError(`${flag}: ${JSON.stringify(host)} is not an address or a host name`);
}

function checkPort(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw new ConfigError(`${flag}: the port must be from 1 to 65535, got ${JSON.stringify(text)}`);
  return n;
}

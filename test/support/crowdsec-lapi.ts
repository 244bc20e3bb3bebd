/**
 * A real CrowdSec Local API for a test (the Debian package, `scripts/install-deps.sh`): its own
 * config, sqlite database and credentials in a temporary directory, the agent off
 * (`crowdsec -c DIR/config.yaml -no-cs`), no Central API, no systemd, no hub download. It can
 * listen inside a namespace the test made. `cscli` talks to it with the same config.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onPath, spawnIn, stopChild } from './netns.js';
import { waitFor } from './wait-for.js';

export function crowdsecSkipReason(): string | null {
  const missing = ['crowdsec', 'cscli'].filter((t) => !onPath(t));
  return missing.length === 0 ? null : `missing ${missing.join(', ')} (scripts/install-deps.sh installs the crowdsec package)`;
}

export interface CrowdsecDecision {
  id: number;
  origin: string;
  scenario: string;
  scope: string;
  type: string;
  value: string;
  duration: string;
}

export class CrowdsecLapi {
  readonly url: string;
  private log = '';
  private child: ChildProcess | null = null;

  /** Writes the config and registers cscli's own machine (cscli writes the database directly: no API needed yet). */
  constructor(
    readonly dir: string,
    listen: string,
    /** The namespace it runs in, or null for this one (loopback). */
    readonly ns: string | null,
  ) {
    this.url = `http://${listen}`;
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'config.yaml'), configYaml(dir, listen));
    // cscli's own machine, for `decisions list` / `delete` over the API.
    this.cscli(['machines', 'add', 'cscli-test', '--auto', '-f', join(dir, 'cscli-credentials.yaml'), '--force']);
  }

  /** Starts the API and waits until it listens. */
  async start(): Promise<void> {
    const argv = ['crowdsec', '-c', join(this.dir, 'config.yaml'), '-no-cs'];
    const child = this.ns !== null ? spawnIn(this.ns, argv) : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (this.log += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.log += s));
    await waitFor(() => this.log.includes('Local API listening') || child.exitCode !== null, { timeoutMs: 20_000, intervalMs: 20, message: () => `the CrowdSec Local API to listen; its output: ${this.log.slice(-400)}` });
    if (child.exitCode !== null) throw new Error(`crowdsec exited (${child.exitCode}): ${this.log.slice(-400)}`);
  }

  /** Runs cscli against this API (or its database); its stdout. */
  cscli(args: readonly string[]): string {
    const argv = ['cscli', '-c', join(this.dir, 'config.yaml'), ...args];
    const [cmd, rest] = this.ns !== null ? ['ip', ['netns', 'exec', this.ns, ...argv]] : [argv[0]!, argv.slice(1)];
    return execFileSync(cmd, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  }

  /** `cscli machines add NAME -f FILE`: the credentials file a watcher uses. */
  addMachine(name: string, file: string): void {
    this.cscli(['machines', 'add', name, '--auto', '-f', file, '--force']);
  }

  /** `cscli bouncers add NAME -k KEY`. */
  addBouncer(name: string, key: string): void {
    this.cscli(['bouncers', 'add', name, '-k', key]);
  }

  /** Every active decision (`cscli decisions list -a`: origins other than crowdsec and cscli too). */
  decisions(): CrowdsecDecision[] {
    const out = this.cscli(['decisions', 'list', '-a', '-o', 'json']).trim();
    if (out === '' || out === 'null') return [];
    const alerts = JSON.parse(out) as { decisions?: CrowdsecDecision[] | null }[] | null;
    return (alerts ?? []).flatMap((a) => a.decisions ?? []);
  }

  output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    if (this.child !== null) await stopChild(this.child, 'SIGTERM', 5000);
    this.child = null;
  }
}

function configYaml(dir: string, listen: string): string {
  return `common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: .
config_paths:
  config_dir: /etc/crowdsec/
  data_dir: ${dir}/data/
  simulation_path: /etc/crowdsec/simulation.yaml
  hub_dir: /var/lib/crowdsec/hub/
  index_path: /var/lib/crowdsec/hub/.index.json
  notification_dir: /etc/crowdsec/notifications/
  plugin_dir: /usr/lib/crowdsec/plugins/
crowdsec_service:
  acquisition_path: /etc/crowdsec/acquis.yaml
db_config:
  log_level: info
  type: sqlite
  db_path: ${dir}/data/crowdsec.db
  use_wal: true
  flush:
    max_items: 5000
    max_age: 7d
api:
  client:
    insecure_skip_verify: false
    credentials_path: ${dir}/cscli-credentials.yaml
  server:
    log_level: info
    listen_uri: ${listen}
    profiles_path: /etc/crowdsec/profiles.yaml
    trusted_ips:
      - 127.0.0.1
prometheus:
  enabled: false
`;
}

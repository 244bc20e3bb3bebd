import type { BlockSpec, Firewall, FirewallEntry } from './firewall.js';

/** `--firewall none` and `--dry-run`: decisions are made and recorded; nothing is changed. */
export class NoFirewall implements Firewall {
  readonly name = 'none';
  readonly kernelTimeouts = false;
  async setup(): Promise<void> {}
  async apply(_add: readonly BlockSpec[], _remove: readonly BlockSpec[]): Promise<void> {}
  async list(): Promise<FirewallEntry[]> {
    return [];
  }
  async flush(): Promise<void> {}
}

import { accessSync, constants } from 'node:fs';
import { runCommand, type CommandRunner } from './exec/run-command.js';

const FAIL2BAN_CLIENT = '/usr/bin/fail2ban-client';

/**
 * Hands our bans to fail2ban as well ("added … to fail2ban jail sshd"), so its
 * tooling and reports see them. Off with --no-fail2ban or when fail2ban is not installed; a
 * failure is reported once and never stops our own block.
 */
export class Fail2banBridge {
  private warned = false;

  constructor(
    private readonly jail: string,
    private readonly warn: (line: string) => void,
    private readonly run: CommandRunner = runCommand,
    private readonly client: string = FAIL2BAN_CLIENT,
  ) {}

  static available(client = FAIL2BAN_CLIENT): boolean {
    try {
      accessSync(client, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  async ban(address: string): Promise<boolean> {
    try {
      await this.run([this.client, 'set', this.jail, 'banip', address], { timeoutMs: 5000 });
      return true;
    } catch (e) {
      if (!this.warned) this.warn(`fail2ban: could not add ${address} to jail ${this.jail}: ${(e as Error).message} (further failures not shown)`);
      this.warned = true;
      return false;
    }
  }
}

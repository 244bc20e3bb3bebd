import { runCommand, type CommandRunner } from './exec/run-command.js';

const SYSTEMCTL = '/usr/bin/systemctl';

/** systemd unit names only: no option or path can be smuggled into the argv. */
const UNIT_NAME = /^[A-Za-z0-9@._:-]{1,128}$/;

export function isUnitName(name: string): boolean {
  return UNIT_NAME.test(name) && !name.startsWith('-');
}

/** Stops and starts systemd units (opt-in: a service stopped while an attack on it is blocked). */
export class ServiceControl {
  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly systemctl: string = SYSTEMCTL,
  ) {}

  async stop(unit: string): Promise<void> {
    if (!isUnitName(unit)) throw new RangeError(`not a systemd unit name: ${JSON.stringify(unit)}`);
    await this.run([this.systemctl, 'stop', '--', unit], { timeoutMs: 30_000 });
  }

  async start(unit: string): Promise<void> {
    if (!isUnitName(unit)) throw new RangeError(`not a systemd unit name: ${JSON.stringify(unit)}`);
    await this.run([this.systemctl, 'start', '--', unit], { timeoutMs: 30_000 });
  }
}

/**
 * The package as a user gets it: `npm pack` of this checkout, installed globally into a
 * temporary prefix (`npm install -g --prefix DIR`), so the `snoopy-tui` command, the files the
 * tarball carries and its install scripts (the capture binding and its drop-counter patch) are
 * what is tested, not the checkout.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

export interface PackedInstall {
  tarball: string;
  prefix: string;
  /** The installed command (a symlink to the package's dist/cli.js). */
  bin: string;
  /** Where the package itself was installed. */
  packageDir: string;
  /** What npm install printed (warnings included). */
  installLog: string;
}

/**
 * Packs the checkout (its dist/ must be built: `npm test` builds first; `--ignore-scripts` keeps
 * `prepare` from rebuilding it under running tests) and installs the tarball into `dir/prefix`.
 * Install scripts run, as they do for a user.
 */
export function packAndInstall(dir: string): PackedInstall {
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  const [info] = JSON.parse(packed) as { filename: string }[];
  const tarball = join(dir, info!.filename);
  const prefix = join(dir, 'prefix');
  const installLog = execFileSync('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', tarball], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
  const packageDir = join(prefix, 'lib', 'node_modules', 'snoopy-tui');
  return { tarball, prefix, bin: join(prefix, 'bin', 'snoopy-tui'), packageDir, installLog };
}

/** The capture binding of an installed package was patched and rebuilt with stats() (kernel drops). */
export function capturePatched(install: PackedInstall): boolean {
  const source = join(install.packageDir, 'node_modules', 'cap', 'src', 'binding.cc');
  return existsSync(source) && readFileSync(source, 'utf8').includes('snoopy-tui: pcap_stats') && existsSync(join(install.packageDir, 'node_modules', 'cap', 'build', 'Release', 'cap.node'));
}

#!/usr/bin/env node
/**
 * The snoopy-tui command. `--version` alone, what scripts and package managers ask most, is
 * answered here before any other module loads; everything else is cli/main.ts.
 */
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`snoopy-tui ${pkg.version}\n`);
} else {
  await import('./cli/main.js');
}

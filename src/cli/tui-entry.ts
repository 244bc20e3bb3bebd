/**
 * What starting the terminal UI takes, as one module: the bundle `npm run build` makes of it
 * (scripts/bundle-ui.mjs) is one file to read instead of ~100 for the config layer (with the
 * detector registry its profiles come from) and ~600 for Ink and React.
 *
 * The bundle holds its own copies of these modules: a ConfigError it throws is not an instance
 * of the one cli/main.ts imports, so main translates it (ConfigError is exported for that).
 */
export { runTui } from '../ui/run-tui.js';
export { resolveRunConfig } from './resolve-config.js';
export { ConfigError } from '../config/config-error.js';

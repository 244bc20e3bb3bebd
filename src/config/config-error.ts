/** A problem the user must fix in a flag or the config file; the message is the whole line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

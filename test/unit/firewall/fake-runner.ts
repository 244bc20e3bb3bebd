import { CommandError, type CommandOptions, type CommandResult, type CommandRunner } from '../../../src/platform/exec/run-command.js';

/** One command the code under test ran: its argv and what it wrote to stdin. */
export interface RecordedCall {
  argv: string[];
  input: string | undefined;
  options: CommandOptions;
}

/** What a fake command answers: a result (exit code 0 unless given), or an error to throw. */
export type CannedAnswer = Partial<CommandResult> | Error;

/**
 * A CommandRunner that records every call and answers from `respond` (default: exit 0, no
 * output). Like the real runner, a non-zero exit without `allowFailure` throws a CommandError.
 */
export function fakeRunner(respond: (argv: readonly string[], options: CommandOptions) => CannedAnswer | undefined = () => undefined): {
  run: CommandRunner;
  calls: RecordedCall[];
  /** The argv of every call, each joined with spaces (for compact sequence assertions). */
  lines(): string[];
} {
  const calls: RecordedCall[] = [];
  const run: CommandRunner = async (argv, options = {}) => {
    calls.push({ argv: [...argv], input: options.input, options });
    const answer = respond(argv, options) ?? {};
    if (answer instanceof Error) throw answer;
    const result: CommandResult = { exitCode: answer.exitCode ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
    if (result.exitCode !== 0 && options.allowFailure !== true) throw new CommandError(argv, 'exit', result.exitCode, result.stderr, `exit ${result.exitCode}: ${result.stderr.split('\n')[0] ?? ''}`);
    return result;
  };
  return { run, calls, lines: () => calls.map((c) => c.argv.join(' ')) };
}

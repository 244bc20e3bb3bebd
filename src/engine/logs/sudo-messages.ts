import type { PrivilegedCommand } from './auth-event.js';

/**
 * sudo: "    root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/bin/ls -l" (also "user NOT in
 * sudoers ; …"). Split by hand rather than one regex: the command is free text, may itself
 * contain " ; ", and a backtracking pattern over a long line is a cost we do not need.
 */
export function parseSudoCommand(msg: string): PrivilegedCommand | null {
  const colon = msg.indexOf(' : ');
  const at = msg.indexOf('COMMAND=');
  if (colon < 0 || at < colon) return null;
  const user = msg.slice(0, colon).trim();
  if (user === '' || /\s/.test(user)) return null;
  const runAs = / ; USER=(\S+) ; /.exec(msg.slice(colon, at + 1));
  return { kind: 'command', program: 'sudo', user, runAs: runAs === null ? null : runAs[1]!, command: msg.slice(at + 'COMMAND='.length) };
}

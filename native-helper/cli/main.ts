import { runCheck } from './check-command';
import { runConnect } from './connect-command';
import type { CommandIo } from './check-command';

const USAGE = `usage: postern COMMAND [ARGS]

commands:
  check PROFILE [--json]   parse an .ovpn profile and report what Postern will do with it
  connect PROFILE [--json] [--auth-file FILE]
                           bring the tunnel up in the foreground (root); Ctrl-C disconnects
`;

const processIo: CommandIo = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
};

type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

/** One entry per subcommand; each lives in its own module. */
const COMMANDS: Readonly<Record<string, Command>> = {
  check: runCheck,
  connect: (args, io) => runConnect(args, io),
};

/** Entry of the `postern` command: dispatches to one module per subcommand. Returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  const run = command === undefined ? undefined : COMMANDS[command];
  if (run === undefined) {
    io.err(`postern: ${command === undefined ? 'missing command' : `unknown command ${command}`}\n${USAGE}`);
    return 2;
  }
  return run(args, io);
}

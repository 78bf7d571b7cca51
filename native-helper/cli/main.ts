import { HELPER_PROTOCOL_VERSION, POSTERN_VERSION } from '../api/index';
import { runCheck } from './check-command';
import { runCleanup } from './cleanup-command';
import { runConnect } from './connect-command';
import { runDiagnostics } from './diagnostics-command';
import { runDisconnect } from './disconnect-command';
import { runHelper } from './helper-command';
import { runKillSwitch } from './killswitch-command';
import { runLogs } from './logs-command';
import { runStatus } from './status-command';
import type { CommandIo } from './check-command';

const USAGE = `usage: postern COMMAND [ARGS]

commands:
  check PROFILE [--json]   parse an .ovpn profile and report what Postern will do with it
  connect PROFILE [--json] [--auth-file FILE] [--helper]
                           bring the tunnel up: as root in the foreground (Ctrl-C disconnects);
                           as another user, or with --helper, through the running helper
  helper [--socket PATH]   run the helper service (root) that the app and the commands below use
  status [--json]          show the tunnel the helper runs for you
  disconnect [--json]      take the helper's tunnel down
  logs [-n LINES] [--follow] [--json]
                           print the helper's recent log lines for your tunnel
  killswitch [off|auto|always] [--allow-lan|--no-allow-lan] [--json]
                           show the kill switch, or set it (machine-wide; blocks traffic outside the tunnel)
  diagnostics [FILE] [--profile PROFILE]
                           write a .tar.gz for your admin: logs, versions, routes, DNS, firewall,
                           the connection and its leak check; never passwords, tokens or keys
  cleanup                  (root, nothing of Postern running) undo what a killed run left and remove the
                           kill switch's table: what uninstalling the package does
  --version                print Postern's release, the helper protocol and the Node.js runtime

  The helper's commands take --socket PATH (default $POSTERN_SOCKET, else /run/postern/postern.sock).
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
  helper: (args, io) => runHelper(args, io),
  status: (args, io) => runStatus(args, io),
  disconnect: (args, io) => runDisconnect(args, io),
  logs: (args, io) => runLogs(args, io),
  killswitch: (args, io) => runKillSwitch(args, io),
  diagnostics: (args, io) => runDiagnostics(args, io),
  cleanup: (args, io) => runCleanup(args, io),
};

/** Entry of the `postern` command: dispatches to one module per subcommand. Returns the exit code. */
export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  if (command === '--version' || command === 'version') {
    io.out(`${versionLine()}\n`);
    return 0;
  }
  const run = command === undefined ? undefined : COMMANDS[command];
  if (run === undefined) {
    io.err(`postern: ${command === undefined ? 'missing command' : `unknown command ${command}`}\n${USAGE}`);
    return 2;
  }
  return run(args, io);
}

/** `postern 0.1.0 (helper protocol 1.5, Node.js v20.20.2)`: the release first, for scripts. */
export function versionLine(): string {
  const { major, minor } = HELPER_PROTOCOL_VERSION;
  return `postern ${POSTERN_VERSION} (helper protocol ${major}.${minor}, Node.js ${process.version})`;
}

import { policy } from '../directive-spec';
import type { DirectiveSpec, PolicySpec } from '../directive-spec';
import type { ProblemCode, Severity } from '../problems';

/**
 * Directives that would make a privileged process run programs, load code, or
 * read and write files of the user's choosing (protocol.md §15 "Dangerous for a
 * privileged helper"). They are never executed. Like OpenVPN Connect
 * (ov3:openvpn/client/cliopt.hpp), most only earn a warning and the profile still
 * imports; they are errors where skipping them makes the profile unsafe (a
 * certificate check that would be lost) or meaningless (a key Postern cannot reach).
 */

function refused(name: string, code: ProblemCode, severity: Severity, reason: string, hint?: string): PolicySpec {
  return policy('refused', 'refused', name, severity, code, reason, hint === undefined ? {} : { hint });
}

const SCRIPT = 'Postern never runs scripts from a profile; it configures addresses, routes and DNS itself.';
const MANAGEMENT = 'Postern has no management interface; the app is the interface.';
const FILE_OUTPUT = 'Postern never writes files a profile names; its log is in the app.';

function script(name: string): PolicySpec {
  return refused(name, 'config.script_directive_refused', 'warning', SCRIPT, 'Remove the line; DNS and routes are set up without it.');
}

function management(name: string, severity: Severity = 'warning', reason = MANAGEMENT): PolicySpec {
  return refused(name, 'config.management_refused', severity, reason);
}

export const REFUSED_DIRECTIVES: readonly DirectiveSpec[] = [
  script('up'),
  script('down'),
  script('down-pre'),
  script('route-up'),
  script('route-pre-down'),
  script('ipchange'),
  script('dns-updown'),
  script('iproute'),
  refused('up-restart', 'config.script_directive_refused', 'info', SCRIPT),
  refused('script-security', 'config.script_directive_refused', 'info', 'Postern never runs scripts, so there is nothing to allow.'),
  refused('tls-verify', 'config.script_directive_refused', 'error',
    'tls-verify runs a script that checks the server certificate; skipping the check would accept servers the profile means to reject.',
    'Express the check with verify-x509-name or peer-fingerprint.'),
  refused('plugin', 'config.plugin_refused', 'warning', 'Postern never loads plugins into its privileged helper.'),
  refused('engine', 'config.plugin_refused', 'warning', 'Postern never loads crypto engines; it uses the built-in crypto.'),
  refused('pkcs11-providers', 'config.plugin_refused', 'error',
    'Postern never loads PKCS#11 modules, so a key on a smart card or token cannot be used.', 'Export a certificate and key (or a .p12) for this device.'),
  management('management'),
  management('management-client'),
  management('management-client-auth'),
  management('management-client-user'),
  management('management-client-group'),
  management('management-forget-disconnect'),
  management('management-hold'),
  management('management-log-cache'),
  management('management-query-passwords', 'info', 'Postern always asks for passwords in the app.'),
  management('management-query-proxy'),
  management('management-query-remote'),
  management('management-signal'),
  management('management-up-down'),
  management('management-external-key', 'error', 'The private key is supposed to come from a management client, which Postern does not have.'),
  management('management-external-cert', 'error', 'The certificate is supposed to come from a management client, which Postern does not have.'),
  refused('daemon', 'config.process_directive_refused', 'warning', 'Postern\'s helper is already a background service.'),
  refused('chroot', 'config.process_directive_refused', 'warning', 'Postern\'s helper never changes its root directory at a profile\'s request.'),
  refused('cd', 'config.process_directive_refused', 'warning', 'Postern never changes directory at a profile\'s request; files are read from the profile\'s folder.'),
  refused('setcon', 'config.process_directive_refused', 'warning', 'Postern never changes its SELinux context at a profile\'s request.'),
  refused('writepid', 'config.file_output_refused', 'warning', FILE_OUTPUT),
  refused('log', 'config.file_output_refused', 'warning', FILE_OUTPUT),
  refused('log-append', 'config.file_output_refused', 'warning', FILE_OUTPUT),
  refused('status', 'config.file_output_refused', 'warning', 'Postern never writes status files; the app shows the status.'),
  refused('status-version', 'config.file_output_refused', 'info', 'Postern never writes status files.'),
  refused('syslog', 'config.file_output_refused', 'info', 'Postern keeps its own log.'),
  refused('tmp-dir', 'config.file_output_refused', 'warning', FILE_OUTPUT),
  refused('tls-export-cert', 'config.file_output_refused', 'warning', FILE_OUTPUT),
  refused('replay-persist', 'config.file_output_refused', 'warning', FILE_OUTPUT),
  refused('config', 'config.include_refused', 'error', 'Postern does not read other configuration files from a profile, so the directives in that file would be missing.',
    'Paste the other file\'s lines into this profile.'),
];

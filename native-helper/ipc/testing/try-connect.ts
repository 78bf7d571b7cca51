/**
 * Run by the shared-machine tests as another user (setpriv / runuser): connects to the
 * helper the way the CLI and the app do, and prints what connectToHelper answered as one
 * JSON line.
 *
 *   node --import tsx try-connect.ts SOCKET
 */
import { connectToHelper } from '../../client/socket-client';

const helper = await connectToHelper(process.argv[2] ?? '', { client: 'try-connect' });
if (helper.ok) helper.value.close();
process.stdout.write(`${JSON.stringify(helper.ok ? { ok: true, uid: helper.value.hello.uid } : { ok: false, error: helper.error })}\n`);

// Postern's core client against an OpenVPN 2.6 server in the lab, beside the Debian 2.6 client
// (e2e/lab/generation-matrix.ts; one file per generation so the runner takes them in parallel).
import { serverGenerationMatrix } from '../../e2e/lab/generation-matrix';

serverGenerationMatrix('2.6');

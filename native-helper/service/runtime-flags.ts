/**
 * How the long-lived helper's Node is started (the systemd unit and the packaged helper read
 * this; `npm run bench -- memory` measures each choice against Node's defaults under load).
 * Measured on the lab, iperf3 up and down through the tunnel, peak RSS of `postern connect`:
 * defaults 94 MB; a 1 MB young generation 73 MB; plus GC on the main thread only 72 MB at the
 * same CPU per GB; plus one malloc arena 66 MB. Of those 66 MB, 44 MB are Node's own code
 * pages (file-backed, shared with every other Node process), 22 MB are the helper's.
 * `--lite-mode` (no optimising compiler) reached 59 MB but cost 1.5× the CPU per GB: not kept.
 * Since then the bench runs Node from a private copy, as the package does, and the helper hands
 * the binary's start-up pages back (startup-pages.ts): with these flags 58 MB peak, 48 MB at the
 * end of the load, of which 25 MB are Node's code pages.
 */
export const HELPER_NODE_FLAGS: readonly string[] = [
  // A young generation of 1 MB instead of 16–32: the data path's garbage is short-lived and
  // small; scavenges get more frequent but each is cheap, and the heap stops ballooning.
  '--max-semi-space-size=1',
  // No parallel GC helper threads: fewer threads, no per-thread heaps or malloc arenas.
  '--single-threaded-gc',
];

/** glibc gives each thread that mallocs an arena of its own; the helper's work is on one thread. */
export const HELPER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

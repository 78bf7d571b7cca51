/** Entry of the `postern` command: dispatches to one module per subcommand. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  process.stderr.write(`postern: unknown command ${command ?? '(none)'}\n`);
  return 2;
}

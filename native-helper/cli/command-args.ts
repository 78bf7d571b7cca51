export interface CommandArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

/**
 * Splits a subcommand's arguments into positionals, boolean flags and `--name VALUE`
 * (or `--name=VALUE`) options. Unknown options are an error: a typo must not be
 * silently taken for a profile path.
 */
export function parseCommandArgs(args: readonly string[], spec: { booleans: readonly string[]; values: readonly string[] }): { ok: true; value: CommandArgs } | { ok: false; error: string } {
  const result: CommandArgs = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      result.positional.push(arg);
      continue;
    }
    const [name = '', inlineValue] = arg.split(/=(.*)/s, 2);
    if (spec.booleans.includes(name) && inlineValue === undefined) {
      result.flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = inlineValue ?? args[++i];
      if (value === undefined) return { ok: false, error: `${name} needs a value` };
      result.values.set(name, value);
    } else {
      return { ok: false, error: `unknown option ${name}` };
    }
  }
  return { ok: true, value: result };
}

import { ConfigurationError, LeakproofError } from '@leakproof/core';
import { runAuditCommand, AUDIT_HELP } from './commands/audit.js';
import { runRules, RULES_HELP } from './commands/rules.js';
import { runValidatePolicies, VALIDATE_HELP } from './commands/validate-policies.js';
import { runPermissions, PERMISSIONS_HELP } from './commands/permissions.js';
import { runMerge, MERGE_HELP } from './commands/merge.js';
import { runInit, INIT_HELP } from './commands/init.js';
import { EXIT, toolVersion, type CliIO } from './io.js';
import { UsageError } from './args.js';

const HELP = `leakproof — find cloud storage and databases exposed to the internet

Usage: leakproof <command> [options]

Commands:
  audit               Audit a cloud (--provider aws), a snapshot or the bundled demo
  rules               List the rules with their severity and HIPAA/GDPR controls
  validate-policies   Check policy packs for errors (file:line:col)
  permissions NAME    Print the least-privilege read-only policy or role for a provider (aws, gcp, azure)
  merge FILES -o OUT  Combine sharded SARIF files within GitHub's limits
  init                Write a commented .leakproof/config.yaml (--provider fills in your scopes)

Options:
  -h, --help          Show help (also: leakproof <command> --help)
  -v, --version       Show the version
      --debug         Show stack traces for errors

Exit codes (the README's table is the contract):
  0  pass: everything asked for was audited and nothing at or above --fail-on failed
  1  fail: something at or above --fail-on failed
  2  usage or input error (the message names the file, line and field, or the path)
  3  internal error, or a report that could not be written (rerun with --debug)
  4  incomplete: a scope was not (fully) audited, a rule at or above --fail-on could not
     be evaluated, or a baseline failure could not be re-checked (--allow-incomplete accepts it)
`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIO) => number | Promise<number>; help: string }> = {
  audit: { run: runAuditCommand, help: AUDIT_HELP },
  rules: { run: runRules, help: RULES_HELP },
  'validate-policies': { run: runValidatePolicies, help: VALIDATE_HELP },
  permissions: { run: runPermissions, help: PERMISSIONS_HELP },
  merge: { run: runMerge, help: MERGE_HELP },
  init: { run: runInit, help: INIT_HELP },
};

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const debug = argv.includes('--debug');
  if (debug) io.env.LEAKPROOF_DEBUG = '1';
  const args = argv.filter((a) => a !== '--debug');
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (command === '-v' || command === '--version') {
      io.stdout.write(`${toolVersion()}\n`);
      return EXIT.ok;
    }
    const entry = COMMANDS[command];
    if (!entry) throw new UsageError(`unknown command "${command}"; run "leakproof --help"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(entry.help);
      return EXIT.ok;
    }
    return await entry.run(rest, io);
  } catch (error) {
    return reportError(error, io, debug);
  }
}

function reportError(error: unknown, io: CliIO, debug: boolean): number {
  if (error instanceof ConfigurationError || error instanceof UsageError) {
    io.stderr.write(`leakproof: ${error.message}\n`);
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof LeakproofError ? ` [${error.code}]` : '';
  io.stderr.write(`leakproof: internal error${code}: ${message.split('\n')[0]}${debug ? '' : ' (rerun with --debug for details)'}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

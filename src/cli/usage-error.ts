/**
 * The command line was wrong, not the world: the CLI exits 2 and shows the
 * usage of `command` (or the general usage when no command was recognised).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

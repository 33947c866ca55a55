/**
 * Exit codes the command line promises (docs/cli.md): 0 fine, 1 a threshold breached, 2 a usage
 * or connection error. Every expected failure is a CliError whose message names the culprit;
 * main.ts prints it on one line and exits with its code.
 */
export const EXIT_OK = 0;
export const EXIT_BREACH = 1;
export const EXIT_ERROR = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

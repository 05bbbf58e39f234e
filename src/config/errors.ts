/** One thing wrong with the configuration, already phrased for the operator. */
export interface ConfigProblem {
  /** The environment variable at fault (the first one, when several are involved). */
  variable: string;
  /** One line: the variable, what was given (secrets as ***) and what is allowed. */
  message: string;
}

/**
 * Thrown by loadConfig. The message is a single line so it reads well in a log
 * line or a crash message; `problems` keeps each problem separately.
 */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(
      problems
        .map((p) => p.message)
        .join('; ')
        .replace(/[\r\n]+/g, ' '),
    );
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }

  /** Variable names at fault, in order. */
  get variables(): string[] {
    return this.problems.map((p) => p.variable);
  }
}

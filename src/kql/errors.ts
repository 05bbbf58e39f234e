/** A query the engine cannot run: bad syntax, an unknown name, or KQL outside the supported subset. */
export class KqlError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(line > 0 ? `${message} at ${line}:${column}` : message);
    this.name = 'KqlError';
  }
}

/** A position in the query text, 1-based. */
export interface Pos {
  line: number;
  column: number;
}

export function errorAt(message: string, pos: Pos | undefined): KqlError {
  return new KqlError(message, pos?.line ?? 0, pos?.column ?? 0);
}

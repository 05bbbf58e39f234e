/** A detection file that cannot be used: names the file and the field at fault. */
export class DetectionFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
    this.name = 'DetectionFileError';
  }
}

/** Several files failed to load; each problem is one line of the message. */
export class DetectionLoadError extends Error {
  constructor(readonly errors: readonly DetectionFileError[]) {
    super(
      errors.length === 1
        ? errors[0].message
        : `${errors.length} detection files are invalid:\n${errors.map((e) => `  ${e.message}`).join('\n')}`,
    );
    this.name = 'DetectionLoadError';
  }
}

/** A query row that cannot become an alert (e.g. a fingerprint column is missing). */
export class DetectionHitError extends Error {
  constructor(
    readonly detectionId: string,
    readonly detectionName: string,
    message: string,
  ) {
    super(`detection "${detectionName}" (${detectionId}): ${message}`);
    this.name = 'DetectionHitError';
  }
}

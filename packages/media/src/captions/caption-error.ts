/** A caption file refused: what is wrong, and on which line of the file as uploaded (null: the whole file). */
export class CaptionError extends Error {
  override readonly name = 'CaptionError';
  constructor(
    message: string,
    readonly line: number | null = null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
  }
}

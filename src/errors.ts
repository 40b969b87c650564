// The bot's own error hierarchy: every error carries a stable `code` (logged, shown to people as a
// reference) and, where it wraps another, the original as `cause`.

export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The database cannot be reached or refuses writes; nothing was changed. */
export class StoreUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store_unavailable', message, options);
  }
}

/** Configuration is missing or malformed; the message names the variable and what it expects. */
export class ConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_invalid', message, options);
  }
}

/**
 * Simplismart answered with more than the bot reads of an answer, so what it said is unknown. Only the
 * sizes are kept, never a byte of the body (which was dropped as it arrived).
 */
export class SimplismartAnswerTooLargeError extends AppError {
  /** The cap that was passed, in bytes. */
  readonly limitBytes: number;
  /** What the answer's Content-Length declared, when it did. */
  readonly declaredBytes: number | null;

  constructor(limitBytes: number, declaredBytes: number | null) {
    const declared = declaredBytes === null ? '' : ` (it declared ${declaredBytes})`;
    super('simplismart_answer_too_large', `Simplismart's answer was larger than ${limitBytes} bytes${declared}; it was not read.`);
    this.limitBytes = limitBytes;
    this.declaredBytes = declaredBytes;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

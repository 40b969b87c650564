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

/**
 * A Slack Web API call not made, or given up, because Slack limits its method in that workspace for
 * longer than the call may wait (or the call may not wait at all: see rateLimitedClient.ts).
 */
export class SlackRateLimitedError extends AppError {
  constructor(
    readonly method: string,
    /** How much longer Slack keeps the method closed, in seconds. */
    readonly retryAfter: number,
  ) {
    super('slack_rate_limited', `Slack limits ${method} in this workspace for ${retryAfter} s more; the call was not made`);
  }
}

// The last-line scrubber: every log line goes through scrub() before it is written, whatever logged it.
// Tokens of a known shape (src/domain/redact.ts: Slack's, JWTs such as Simplismart's, Bearer values) are
// removed by their shape, so the process need not remember them. Exact values are kept only for the
// process's own secrets and for a bounded number of recent secrets without a shape: remembering every
// token ever decrypted made each line cost more as tokens rotated (issue 16: 0.25 ms a line with 3k
// remembered, 9.7 ms with 100k). The cost of a line now depends on the line, not on what was seen.
import { isTokenShaped, redactTokens, TOKEN_SHAPE_SOURCE } from '../domain/redact.js';

const REDACTED = '[REDACTED]';

/** Shorter values would censor ordinary words; real secrets here are all longer. */
const MIN_LENGTH = 8;

/**
 * How many secrets without a known shape add() keeps by default: the 256 most recently added. Adding one
 * that is kept makes it the most recent again (callers add a token each time they decrypt it, so one in
 * use stays); past the bound the least recent is dropped and is no longer removed by value until it is
 * added again (a field named token or authorization is still redacted by the logger). The bound is what
 * a line's cost depends on: each kept value is one more alternative in the pattern every line is
 * scanned with (bench/scrubber.ts).
 */
export const RECENT_SECRETS_LIMIT = 256;

export class SecretScrubber {
  /** The process's own secrets (configuration, the encryption key): never dropped. */
  private readonly pinned = new Set<string>();
  /** Recent secrets without a shape; a Set iterates in insertion order, so the first is the least recent. */
  private readonly recent = new Set<string>();
  /** Built from the two sets when a line needs them after they changed (not when a kept one is added again). */
  private patterns: { any: RegExp; exact: RegExp | undefined } | undefined;

  constructor(private readonly recentLimit = RECENT_SECRETS_LIMIT) {
    if (!Number.isInteger(recentLimit) || recentLimit < 0) throw new RangeError(`recentLimit must be a whole number, not ${recentLimit}`);
  }

  /** The process's own secrets: kept, and removed by their exact value, for as long as the process runs. */
  pin(...secrets: Array<string | undefined>): void {
    for (const secret of secrets) {
      if (secret === undefined || secret.length < MIN_LENGTH || this.pinned.has(secret)) continue;
      this.pinned.add(secret);
      this.recent.delete(secret);
      this.patterns = undefined;
    }
  }

  /**
   * A secret the process came to hold (a decrypted token). One of a known shape is not kept: its shape
   * removes it. Any other joins the recent ones (see RECENT_SECRETS_LIMIT).
   */
  add(...secrets: Array<string | undefined>): void {
    for (const secret of secrets) {
      if (secret === undefined || secret.length < MIN_LENGTH || this.pinned.has(secret) || isTokenShaped(secret)) continue;
      if (this.recent.delete(secret)) {
        this.recent.add(secret); // most recent again; the patterns are unchanged
        continue;
      }
      this.recent.add(secret);
      for (const oldest of this.recent) {
        if (this.recent.size <= this.recentLimit) break;
        this.recent.delete(oldest);
      }
      this.patterns = undefined;
    }
  }

  /** How many exact values are kept (pinned and recent): at most the pinned ones plus the recent limit. */
  get size(): number {
    return this.pinned.size + this.recent.size;
  }

  scrub(text: string): string {
    const { any, exact } = (this.patterns ??= this.compile());
    // One scan finds whether the line holds anything at all; most lines do not, and cost only that.
    if (!any.test(text)) return text;
    // Exact values first: a shape match that started earlier could end inside one and leave its tail.
    return redactTokens(exact === undefined ? text : text.replace(exact, REDACTED), REDACTED);
  }

  private compile(): { any: RegExp; exact: RegExp | undefined } {
    const values = new Set([...this.pinned, ...this.recent].flatMap(writtenForms));
    // Longest first: of two values where one begins the other, the alternation must try the longer.
    const source = [...values]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
    if (source === '') return { any: new RegExp(TOKEN_SHAPE_SOURCE), exact: undefined };
    return { any: new RegExp(`${source}|${TOKEN_SHAPE_SOURCE}`), exact: new RegExp(source, 'g') };
  }
}

/** A secret as it may appear in a line: as is, and as inside a JSON string (a `"` or `\` in it is escaped there). */
function writtenForms(secret: string): string[] {
  const inJson = JSON.stringify(secret).slice(1, -1);
  return inJson === secret ? [secret] : [secret, inJson];
}

function escapeRegExp(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

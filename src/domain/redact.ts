// Token-shaped strings removed from text that came from elsewhere (an API's error message) before a
// person sees it: a proxy that echoes a header must not put a token into a Slack channel. The log
// scrubber (src/process/secretScrubber.ts) removes the same shapes from every log line, so that a token of a
// known shape is caught without the process having to remember it.

/**
 * One source per kind of token, folded into one pattern: a text is scanned once, however many kinds.
 * Case matters (a token upper-cased is not the token) except in "Bearer", spelt out as character
 * classes because the inline `(?i:…)` group needs Node 23 and the project supports 22.
 */
const SHAPES = [
  // A JWT: Simplismart's API tokens (Settings → API keys), and any other. Header and payload are
  // base64url JSON objects, so the header begins `eyJ` (`{"`).
  String.raw`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`,
  // Slack: bot xoxb-, user xoxp-, refresh xoxe-, client xoxc-, legacy xoxa- xoxo- xoxr- xoxs-; with
  // token rotation the access tokens are xoxe.xoxb- and xoxe.xoxp- (app configuration tokens too).
  String.raw`(?:xoxe\.)?xox[abceoprs]-[A-Za-z0-9-]{6,}`,
  // Slack's xoxd- session cookie: URL-encoded base64, so `%`, `+`, `/` and `=` too.
  String.raw`xoxd-[A-Za-z0-9%+/=_-]{6,}`,
  // Slack: app-level xapp-, workflow xwfp-.
  String.raw`x(?:app|wfp)-[A-Za-z0-9-]{6,}`,
  // Whatever follows the word Bearer: an Authorization header echoed back, whatever the token.
  String.raw`[Bb][Ee][Aa][Rr][Ee][Rr]\s+\S+`,
];

/** Every token shape as one regular expression source (an alternation), for patterns built on it. */
export const TOKEN_SHAPE_SOURCE = SHAPES.join('|');

// Global: String.prototype.replace starts a global pattern from 0 and leaves it at 0, so sharing it is safe.
const TOKEN_SHAPE = new RegExp(TOKEN_SHAPE_SOURCE, 'g');
const WHOLE_TOKEN = new RegExp(`^(?:${TOKEN_SHAPE_SOURCE})$`);

/** Whether the value, as a whole, is one of the shapes above: then redactTokens removes it without being told about it. */
export function isTokenShaped(value: string): boolean {
  return WHOLE_TOKEN.test(value);
}

export function redactTokens(text: string, replacement = '[redacted]'): string {
  return text.replace(TOKEN_SHAPE, replacement);
}

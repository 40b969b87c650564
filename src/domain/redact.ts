// Token-shaped strings removed from text that came from elsewhere (an API's error message) before a
// person sees it: a proxy that echoes a header must not put a token into a Slack channel.
export const TOKEN_SHAPES: readonly RegExp[] = [
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
  /xox[abposre]-[A-Za-z0-9-]{6,}/g,
  /xapp-[A-Za-z0-9-]{6,}/g,
  /Bearer\s+\S+/gi,
];

export function redactTokens(text: string): string {
  return TOKEN_SHAPES.reduce((out, pattern) => out.replace(pattern, '[redacted]'), text);
}

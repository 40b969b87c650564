// The secrets audit: given every log line a bot wrote and everything it sent to Slack (API calls,
// response_url posts, the answers to Slack's requests), finds any secret in them. Each secret is also
// looked for in the other forms it could leak in (a JWT's signature alone, a key in hex).

export interface Secret {
  /** What it is, for the report (never the value). */
  label: string;
  value: string;
}

export interface Place {
  /** Where these texts went, for the report. */
  where: string;
  texts: Iterable<string>;
}

/** A secret and the forms of it that would be a leak on their own. */
export function secretForms(label: string, value: string): Secret[] {
  const forms: Secret[] = [{ label, value }];
  const parts = value.split('.');
  // A JWT (header.payload.signature): the signature alone is as good as the token.
  if (parts.length === 3 && parts[2]!.length >= 16) forms.push({ label: `${label} (JWT signature)`, value: parts[2]! });
  // A base64 key could be printed as hex, as base64url, or without its padding.
  if (/^[A-Za-z0-9+/]{40,}={0,2}$/.test(value)) {
    const bytes = Buffer.from(value, 'base64');
    forms.push(
      { label: `${label} (hex)`, value: bytes.toString('hex') },
      { label: `${label} (base64url)`, value: bytes.toString('base64url') },
      { label: `${label} (unpadded)`, value: value.replace(/=+$/, '') },
    );
  }
  // Inside a form-encoded body or a URL.
  if (encodeURIComponent(value) !== value) forms.push({ label: `${label} (percent-encoded)`, value: encodeURIComponent(value) });
  const seen = new Set<string>();
  return forms.filter((form) => !seen.has(form.value) && seen.add(form.value));
}

/**
 * The tokens Slack gives each Workflow Builder step execution (`bot_access_token`, `xwfp-…`): the bot
 * keeps them sealed in its store to complete the step later, and they must appear nowhere else.
 */
export function executionTokenSecrets(tokens: Iterable<string>): Secret[] {
  return [...tokens].flatMap((value) => secretForms('a Workflow Builder execution token', value));
}

/** One line per leak: which secret, where, and the text around it with the secret masked. */
export function findLeaks(places: Place[], secrets: Secret[]): string[] {
  const leaks: string[] = [];
  const usable = secrets.filter((s) => s.value.length >= 8);
  for (const place of places) {
    for (const text of place.texts) {
      // Masked as found, so that a part of a secret already reported (a JWT's signature) is not reported again.
      let rest = text;
      for (const secret of usable) {
        const at = rest.indexOf(secret.value);
        if (at < 0) continue;
        const around = rest.slice(Math.max(0, at - 80), at + secret.value.length + 80).split(secret.value).join('«SECRET»');
        leaks.push(`${secret.label} in ${place.where}: …${around}…`);
        rest = rest.split(secret.value).join('«SECRET»');
      }
    }
  }
  return leaks;
}

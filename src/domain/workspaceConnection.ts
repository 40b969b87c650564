// A workspace's link to Simplismart: its API token (encrypted at rest), its org and the defaults the
// import form starts from. Also what can be read from a token without trusting it: shape, expiry, mask.

export interface WorkspaceConnection {
  teamId: string;
  /** The workspace's Enterprise Grid org, or null: an org-wide uninstall removes the connections of its workspaces. */
  enterpriseId: string | null;
  /** AES-256-GCM ciphertext of the token (see secrets/tokenCipher); never the token itself. */
  tokenCiphertext: string;
  /** First and last four characters, the only form in which a token is ever shown again. */
  tokenHint: string;
  /** From the JWT's `exp` claim, when it has one (ms since epoch). */
  tokenExpiresAt: number | null;
  orgId: string;
  defaultHostedZone: string | null;
  defaultSecretId: string | null;
  connectedBy: string;
  connectedAt: number;
}

export type TokenInspection =
  | { ok: true; expiresAt: number | null; orgUuid: string | null }
  | { ok: false; problem: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Reads a JWT's claims without verifying it: only the shape and the hints it carries (exp, org). */
export function inspectToken(raw: string): TokenInspection {
  const token = raw.trim();
  if (token.length === 0) return { ok: false, problem: 'Paste the API token.' };
  if (token.toLowerCase().startsWith('bearer ')) {
    return { ok: false, problem: 'Paste the token alone, without the word "Bearer".' };
  }
  if (token.length > 4096) return { ok: false, problem: 'That is too long for an API token.' };
  if (!JWT_SHAPE.test(token)) {
    return {
      ok: false,
      problem: 'That does not look like a Simplismart API token (a JWT: three dot-separated parts). Copy it again from Settings → API keys.',
    };
  }
  const [header, payload] = token.split('.') as [string, string];
  const headerJson = decodeSegment(header);
  const claims = decodeSegment(payload);
  if (headerJson === undefined || claims === undefined) {
    return { ok: false, problem: 'That token is damaged (its parts are not readable). Copy it again from Settings → API keys.' };
  }
  const exp = claims['exp'];
  const expiresAt = typeof exp === 'number' && Number.isFinite(exp) ? Math.round(exp * 1000) : null;
  const org = claims['org_uuid'];
  return { ok: true, expiresAt, orgUuid: typeof org === 'string' ? org : null };
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `eyJh…Q2xz`: enough to recognise a token, never enough to use it. */
export function maskToken(token: string): string {
  const t = token.trim();
  if (t.length <= 12) return '…';
  return `${t.slice(0, 4)}…${t.slice(-4)}`;
}

export const EXPIRY_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

export type TokenFreshness = 'no_expiry' | 'valid' | 'expiring_soon' | 'expired';

export function tokenFreshness(expiresAt: number | null, now: number): TokenFreshness {
  if (expiresAt === null) return 'no_expiry';
  if (expiresAt <= now) return 'expired';
  if (expiresAt - now <= EXPIRY_WARNING_MS) return 'expiring_soon';
  return 'valid';
}

// The app installed in a workspace (or, org-wide, in an Enterprise Grid organisation) through Slack's
// OAuth flow: whose it is, the bot it got, and its tokens — kept only as ciphertexts (secrets/tokenCipher).

/** The bot and user tokens of an installation, each sealed under ENCRYPTION_KEY; times in ms. */
export interface InstalledTokens {
  /** Bot: `B…`; user: the installer's `U…`. */
  id: string;
  scopes: string[];
  tokenCiphertext: string | null;
  /** Present when the app turned token rotation on. */
  refreshTokenCiphertext: string | null;
  expiresAt: number | null;
}

export interface SlackInstallation {
  /** `team:T…` for a workspace, `enterprise:E…` for an org-wide install: one installation each (see installationKey). */
  key: string;
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  /** An org-wide install's landing page, as Slack gave it. */
  enterpriseUrl: string | null;
  isEnterpriseInstall: boolean;
  appId: string | null;
  bot: InstalledTokens & { userId: string; tokenCiphertext: string };
  /** The person who installed; their token only when the app asked for user scopes. */
  user: InstalledTokens;
  /** When it was last saved: installed, re-installed, or its tokens refreshed. */
  savedAt: number;
  /**
   * Changes with every save: a write that must not undo an uninstall or a re-install (a token
   * refresh, forgetting a revoked user token) goes through only over the generation it read.
   */
  generation: string;
}

/**
 * The one key an installation is stored under: its organisation when installed org-wide (events then
 * carry each team's id, but the token is the org's), otherwise its team.
 */
export function installationKey(of: { isEnterpriseInstall: boolean; enterpriseId: string | null | undefined; teamId: string | null | undefined }): string {
  if (of.isEnterpriseInstall) {
    if (of.enterpriseId === undefined || of.enterpriseId === null || of.enterpriseId === '') throw new Error('an org-wide installation needs its enterprise id');
    return `enterprise:${of.enterpriseId}`;
  }
  if (of.teamId === undefined || of.teamId === null || of.teamId === '') throw new Error('a workspace installation needs its team id');
  return `team:${of.teamId}`;
}

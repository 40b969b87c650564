// The rows of what installing in any workspace adds (slack_installations) and their mapping to and
// from SlackInstallation: scopes as JSON lists, the flag as 0/1, times as numbers whatever the driver returned.
import type { SlackInstallation } from '../domain/installation.js';
import { parseJson, toNumber } from './rows.js';

export type InstallationRow = {
  install_key: string;
  team_id: string | null;
  team_name: string | null;
  enterprise_id: string | null;
  enterprise_name: string | null;
  enterprise_url: string | null;
  is_enterprise_install: number;
  app_id: string | null;
  bot_id: string;
  bot_user_id: string;
  bot_scopes: string;
  bot_token_ciphertext: string;
  bot_refresh_token_ciphertext: string | null;
  bot_token_expires_at: number | null;
  user_id: string;
  user_scopes: string;
  user_token_ciphertext: string | null;
  user_refresh_token_ciphertext: string | null;
  user_token_expires_at: number | null;
  saved_at: number;
  generation: string;
};

export function toInstallation(row: InstallationRow): SlackInstallation {
  const orNull = (value: unknown): number | null => (value === null || value === undefined ? null : toNumber(value));
  return {
    key: row.install_key,
    teamId: row.team_id,
    teamName: row.team_name,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.enterprise_name,
    enterpriseUrl: row.enterprise_url,
    isEnterpriseInstall: toNumber(row.is_enterprise_install) !== 0,
    appId: row.app_id,
    bot: {
      id: row.bot_id,
      userId: row.bot_user_id,
      scopes: parseJson<string[]>(row.bot_scopes),
      tokenCiphertext: row.bot_token_ciphertext,
      refreshTokenCiphertext: row.bot_refresh_token_ciphertext,
      expiresAt: orNull(row.bot_token_expires_at),
    },
    user: {
      id: row.user_id,
      scopes: parseJson<string[]>(row.user_scopes),
      tokenCiphertext: row.user_token_ciphertext,
      refreshTokenCiphertext: row.user_refresh_token_ciphertext,
      expiresAt: orNull(row.user_token_expires_at),
    },
    savedAt: toNumber(row.saved_at),
    generation: row.generation,
  };
}

export function installationRow(i: SlackInstallation): InstallationRow {
  return {
    install_key: i.key,
    team_id: i.teamId,
    team_name: i.teamName,
    enterprise_id: i.enterpriseId,
    enterprise_name: i.enterpriseName,
    enterprise_url: i.enterpriseUrl,
    is_enterprise_install: i.isEnterpriseInstall ? 1 : 0,
    app_id: i.appId,
    bot_id: i.bot.id,
    bot_user_id: i.bot.userId,
    bot_scopes: JSON.stringify(i.bot.scopes),
    bot_token_ciphertext: i.bot.tokenCiphertext,
    bot_refresh_token_ciphertext: i.bot.refreshTokenCiphertext,
    bot_token_expires_at: i.bot.expiresAt,
    user_id: i.user.id,
    user_scopes: JSON.stringify(i.user.scopes),
    user_token_ciphertext: i.user.tokenCiphertext,
    user_refresh_token_ciphertext: i.user.refreshTokenCiphertext,
    user_token_expires_at: i.user.expiresAt,
    saved_at: i.savedAt,
    generation: i.generation,
  };
}

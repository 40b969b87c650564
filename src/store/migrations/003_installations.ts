// Installing in any workspace: the app's installations (one per workspace, or per Enterprise Grid org
// when installed org-wide; tokens stored only as ciphertexts), the org each request and connection
// belongs to (so that background work finds its token, and an org-wide uninstall finds its workspaces),
// who has opened the App Home (whose Home to refresh), and the install links already used (a state
// is good once). Portable DDL, as every migration.
import type { Migration } from './index.js';

export const installations: Migration = {
  version: 3,
  name: 'installations',
  sql: `
CREATE TABLE slack_installations (
  install_key TEXT PRIMARY KEY,
  team_id TEXT,
  team_name TEXT,
  enterprise_id TEXT,
  enterprise_name TEXT,
  enterprise_url TEXT,
  is_enterprise_install INTEGER NOT NULL,
  app_id TEXT,
  bot_id TEXT NOT NULL,
  bot_user_id TEXT NOT NULL,
  bot_scopes TEXT NOT NULL,
  bot_token_ciphertext TEXT NOT NULL,
  bot_refresh_token_ciphertext TEXT,
  bot_token_expires_at BIGINT,
  user_id TEXT NOT NULL,
  user_scopes TEXT NOT NULL,
  user_token_ciphertext TEXT,
  user_refresh_token_ciphertext TEXT,
  user_token_expires_at BIGINT,
  saved_at BIGINT NOT NULL
);

ALTER TABLE import_requests ADD COLUMN enterprise_id TEXT;
ALTER TABLE workspace_connections ADD COLUMN enterprise_id TEXT;
CREATE INDEX import_requests_team_state ON import_requests (team_id, state);
CREATE INDEX import_requests_enterprise_state ON import_requests (enterprise_id, state);
CREATE INDEX import_requests_team_requester ON import_requests (team_id, requester_id, created_at);
CREATE INDEX workspace_connections_enterprise ON workspace_connections (enterprise_id);

CREATE TABLE home_tab_visits (
  team_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  opened_at BIGINT NOT NULL,
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE oauth_states_used (
  state_hash TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_states_used_expires ON oauth_states_used (expires_at);
`,
};

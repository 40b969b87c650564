// The first schema: workspace connections, approval policies, import requests with their audit trail
// and votes, and the health-check row. Portable DDL: TEXT, INTEGER (0/1 for booleans), BIGINT (ms).
import type { Migration } from './index.js';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE workspace_connections (
  team_id TEXT PRIMARY KEY,
  token_ciphertext TEXT NOT NULL,
  token_hint TEXT NOT NULL,
  token_expires_at BIGINT,
  org_id TEXT NOT NULL,
  default_hosted_zone TEXT,
  default_secret_id TEXT,
  connected_by TEXT NOT NULL,
  connected_at BIGINT NOT NULL
);

CREATE TABLE approval_policies (
  team_id TEXT PRIMARY KEY,
  required INTEGER NOT NULL,
  approver_user_ids TEXT NOT NULL,
  approver_group_ids TEXT NOT NULL,
  approvals_needed INTEGER NOT NULL,
  expiry_seconds INTEGER NOT NULL,
  approvals_channel_id TEXT,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE import_requests (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL,
  requester_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  source_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  previous_state TEXT,
  version INTEGER NOT NULL,
  approval TEXT,
  expires_at BIGINT,
  thread TEXT,
  thread_permalink TEXT,
  cards TEXT NOT NULL,
  outcome TEXT,
  response_url TEXT,
  replaces_id TEXT,
  import_deadline BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT import_requests_source_key UNIQUE (team_id, source_key)
);
CREATE INDEX import_requests_team_created ON import_requests (team_id, created_at);
CREATE INDEX import_requests_state_expires ON import_requests (state, expires_at);
CREATE INDEX import_requests_state_deadline ON import_requests (state, import_deadline);
CREATE INDEX import_requests_state_updated ON import_requests (state, updated_at);

CREATE TABLE request_events (
  request_id TEXT NOT NULL REFERENCES import_requests (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at BIGINT NOT NULL,
  actor_id TEXT,
  from_state TEXT,
  to_state TEXT NOT NULL,
  note TEXT,
  PRIMARY KEY (request_id, seq)
);

CREATE TABLE request_approvals (
  request_id TEXT NOT NULL REFERENCES import_requests (id) ON DELETE CASCADE,
  approver_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (request_id, approver_id)
);

CREATE TABLE store_health (
  id INTEGER PRIMARY KEY,
  pinged_at BIGINT NOT NULL
);
`,
};

// Requests of more than one kind (import a cluster, add node groups to one) and what a workspace names:
// each request gets its kind (every earlier one is an import) and, for a change to a cluster, the
// cluster's UUID, name and thread as known at submission; the approval policy says whether adding node
// groups needs approval (by default as imports do); named hosted zones, secrets and tool catalogs.
// Portable DDL: TEXT, INTEGER, BIGINT; ADD COLUMN with a default where NOT NULL (SQLite requires one).
import type { Migration } from './index.js';

export const clustersAndReferences: Migration = {
  version: 4,
  name: 'clusters_and_references',
  sql: `
ALTER TABLE import_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'import_cluster';
ALTER TABLE import_requests ADD COLUMN cluster_id TEXT;
ALTER TABLE import_requests ADD COLUMN cluster_name TEXT;
ALTER TABLE import_requests ADD COLUMN cluster_thread TEXT;
CREATE INDEX import_requests_team_kind_state ON import_requests (team_id, kind, state, created_at);
CREATE INDEX import_requests_team_cluster ON import_requests (team_id, cluster_id);

ALTER TABLE approval_policies ADD COLUMN node_groups_approval TEXT NOT NULL DEFAULT 'same';

CREATE TABLE workspace_references (
  team_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  uuid TEXT NOT NULL,
  position INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (team_id, kind, category, name)
);
`,
};

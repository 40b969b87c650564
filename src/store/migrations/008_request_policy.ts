// The policy file that decided each request: its content hash and the deciding rule (with why, as JSON),
// frozen at submission like the approval requirement. Null for requests decided by the Slack-set policy
// (no POLICY_FILE) and for every request stored before this migration.
import type { Migration } from './index.js';

export const requestPolicy: Migration = {
  version: 8,
  name: 'request_policy',
  sql: `
ALTER TABLE import_requests ADD COLUMN policy_hash TEXT;
ALTER TABLE import_requests ADD COLUMN policy_rule TEXT;
`,
};

// Import leases: the fixed import deadline becomes a lease that its owner renews while it sends the
// request or holds an unsaved answer, and the row names that owner. Portable DDL (SQLite ≥ 3.25 and
// PostgreSQL both rename columns and drop indexes the same way); a deadline already stored carries
// over as the lease's expiry, with no owner.
import type { Migration } from './index.js';

export const importLease: Migration = {
  version: 2,
  name: 'import_lease',
  sql: `
ALTER TABLE import_requests RENAME COLUMN import_deadline TO lease_expires_at;
ALTER TABLE import_requests ADD COLUMN lease_owner TEXT;
DROP INDEX import_requests_state_deadline;
CREATE INDEX import_requests_state_lease ON import_requests (state, lease_expires_at);
`,
};

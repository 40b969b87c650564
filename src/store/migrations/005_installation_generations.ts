// Installations that change under concurrency: each saved installation gets a generation (replaced on
// every save), so that a token refresh writes its new tokens only over the installation it read — an
// uninstall (the row gone) or a re-install (a new generation) in the meantime wins; and a refresh lease,
// so that one replica at a time spends an installation's single-use refresh token.
// Portable DDL: TEXT, INTEGER, BIGINT; ADD COLUMN with a default where NOT NULL (SQLite requires one).
import type { Migration } from './index.js';

export const installationGenerations: Migration = {
  version: 5,
  name: 'installation_generations',
  sql: `
ALTER TABLE slack_installations ADD COLUMN generation TEXT NOT NULL DEFAULT 'initial';
ALTER TABLE slack_installations ADD COLUMN refresh_owner TEXT;
ALTER TABLE slack_installations ADD COLUMN refresh_until BIGINT;
`,
};

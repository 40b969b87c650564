// The messages of each request, keyed: before the bot posts one it claims its key here, and records
// where it landed after. A retry of a step — another replica, the sweeper resuming a launch, a restart —
// finds the key and does not post the message again (ImportThread). One row per message the bot posts
// for a request (a few each), kept as long as the request.
import type { Migration } from './index.js';

export const requestMessages: Migration = {
  version: 6,
  name: 'request_messages',
  sql: `
CREATE TABLE request_messages (
  request_id TEXT NOT NULL REFERENCES import_requests (id) ON DELETE CASCADE,
  message_key TEXT NOT NULL,
  claimed_at BIGINT NOT NULL,
  posted TEXT,
  PRIMARY KEY (request_id, message_key)
);
`,
};

// Where a request's node groups came from, when "Fill from my nodes" proposed them from a kubectl dump
// (one plain line: how many nodes, of which file or paste, in which format): the request's thread
// shows it, and its first audit entry says it too. The dump itself is never stored. Null for groups
// typed by hand and for every request made before.
import type { Migration } from './index.js';

export const requestProvenance: Migration = {
  version: 9,
  name: 'request_provenance',
  sql: `ALTER TABLE import_requests ADD COLUMN provenance TEXT;`,
};

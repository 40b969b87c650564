// Workflow Builder steps (issue 19): a request started by a custom step remembers its execution — one
// row per `function_execution_id`, its primary key, so that however often Slack delivers the event and
// however many replicas receive it, one request exists for it (the row is inserted with the request,
// atomically) — and what completing the step needs later: the execution's token (encrypted, bound to the
// execution id) and the completion's claim and result, a compare-and-set like the request's own moves.
import type { Migration } from './index.js';

export const stepExecutions: Migration = {
  version: 7,
  name: 'step_executions',
  sql: `
CREATE TABLE step_executions (
  execution_id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL UNIQUE REFERENCES import_requests (id) ON DELETE CASCADE,
  team_id TEXT NOT NULL,
  callback_id TEXT NOT NULL,
  token TEXT,
  created_at BIGINT NOT NULL,
  completion TEXT,
  claimed_at BIGINT,
  attempts INTEGER NOT NULL DEFAULT 0,
  completed_at BIGINT,
  completion_note TEXT
);
CREATE INDEX step_executions_completion ON step_executions (completion, claimed_at);
`,
};

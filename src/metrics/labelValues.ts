// Every value each metric label can take, by label name, for the metrics reference (docs/metrics.md,
// `npm run docs`). The values come from the same constants the code maps its labels onto (labels.ts),
// so a value added there is in the reference at the next `npm run docs`.
import { ENDPOINT_TEMPLATES, REQUEST_KINDS } from '../domain/requestKinds.js';
import { SLACK_TIERS } from '../slack/rateLimits.js';
import { OTHER, SLACK_ERRORS, SLACK_METHODS, SLACK_PARK_REASONS, SLACK_RESULTS } from './labels.js';
import { APPROVAL_DECISIONS, FINAL_STATES } from './metrics.js';

export const LABEL_VALUES: Readonly<Record<string, readonly string[]>> = {
  kind: [...REQUEST_KINDS, OTHER],
  approval: ['required', 'none'],
  state: FINAL_STATES,
  decision: APPROVAL_DECISIONS,
  endpoint: Object.values(ENDPOINT_TEMPLATES),
  status_class: ['2xx', '3xx', '4xx', '5xx', 'timeout', 'network', OTHER],
  method: [...SLACK_METHODS, OTHER],
  result: [SLACK_RESULTS.ok, ...SLACK_ERRORS, SLACK_RESULTS.otherError, SLACK_RESULTS.rateLimited, SLACK_RESULTS.httpError, SLACK_RESULTS.invalidResponse, SLACK_RESULTS.timeout, SLACK_RESULTS.network],
  tier: SLACK_TIERS,
  reason: SLACK_PARK_REASONS,
  operation: ['read', 'write', 'health'],
  error: ['unavailable', OTHER],
  type: ['command', 'view_submission', 'view_closed', 'block_actions', 'options', 'shortcut', 'message_action', 'event', 'interactive_message', OTHER],
  source: ['pending_approvals'],
  outcome: ['allow', 'require', 'deny'],
};

// The user groups and channels a policy file names, checked against one workspace's Slack with its own
// bot token: usergroups.list once (every group the rules that apply here name) and conversations.info
// for each channel. A file serves many workspaces, and a workspace's bot is only known once it asks, so
// the check is made per workspace when it is asked for (`/simplismart approvals`, the dry run) and once
// per workspace and file version at its first request (logged) — never at load, where a Slack outage
// would stop the start. What it finds is a warning: a wrong ID makes a rule never match (a group) or a
// card go nowhere (a channel), which the file's reviewers fix.
import type { WebClient } from '@slack/web-api';
import type { Policy, Rule } from '../domain/policyFile/policy.js';
import { slackErrorCode } from '../slack/errors.js';

/** At most this many channels are asked about (conversations.info is tier 3: one call each). */
const MAX_CHANNELS = 30;

interface Named {
  id: string;
  /** "rule 'x' (line 12)" or "the default (line 40)". */
  where: string;
}

function ruleWhere(rule: Rule): string {
  return `rule '${rule.name}' (line ${rule.line})`;
}

/** The groups and channels the policy names for workspace `teamId` (rules limited to other workspaces left out). */
export function namedInPolicy(policy: Policy, teamId: string): { groups: Named[]; channels: Named[] } {
  const groups: Named[] = [];
  const channels: Named[] = [];
  const outcome = (o: Policy['fallback']['outcome'], where: string) => {
    if (o.kind !== 'require') return;
    for (const id of o.groups) groups.push({ id, where });
    if (o.approvalsChannel !== null) channels.push({ id: o.approvalsChannel, where });
  };
  for (const rule of policy.rules) {
    const when = rule.when;
    const workspace = when?.workspace;
    if (workspace !== undefined && workspace.values.includes(teamId) === workspace.negated) continue;
    for (const id of when?.requesterInGroup?.values ?? []) groups.push({ id, where: ruleWhere(rule) });
    for (const id of when?.channel?.values ?? []) channels.push({ id, where: ruleWhere(rule) });
    outcome(rule.outcome, ruleWhere(rule));
  }
  outcome(policy.fallback.outcome, policy.fallback.line === null ? 'the default' : `the default (line ${policy.fallback.line})`);
  return { groups, channels };
}

/** What the workspace's Slack does not know of the IDs the policy names, one sentence each; empty when all are found. */
export async function checkPolicyNames(client: WebClient, policy: Policy, teamId: string): Promise<string[]> {
  const { groups, channels } = namedInPolicy(policy, teamId);
  const problems: string[] = [];
  if (groups.length > 0) {
    try {
      const listed = await client.usergroups.list({ include_disabled: true });
      const known = new Map((listed.usergroups ?? []).map((g) => [g.id ?? '', g]));
      for (const { id, where } of groups) {
        const group = known.get(id);
        if (group === undefined) problems.push(`${where}: ${id} is not a user group of this workspace`);
        else if ((group.date_delete ?? 0) > 0) problems.push(`${where}: ${id} (@${group.handle ?? id}) is disabled`);
      }
    } catch (error) {
      problems.push(`the user groups could not be checked (${slackErrorCode(error) ?? 'no answer'})`);
    }
  }
  const unique = [...new Map(channels.map((c) => [c.id, c])).values()].slice(0, MAX_CHANNELS);
  await Promise.all(
    unique.map(async ({ id, where }) => {
      try {
        await client.conversations.info({ channel: id });
      } catch (error) {
        const code = slackErrorCode(error);
        problems.push(code === 'channel_not_found' ? `${where}: ${id} is not a channel this workspace’s bot can see` : `${where}: channel ${id} could not be checked (${code ?? 'no answer'})`);
      }
    }),
  );
  return problems.sort();
}

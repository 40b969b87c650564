// Who people are, asked of Slack at the moment it matters: admins (users.info) and the members of
// approver user groups (resolved at decision time, so joining or leaving a group takes effect).
import type { WebClient } from '@slack/web-api';

export async function isWorkspaceAdmin(client: WebClient, userId: string): Promise<boolean> {
  const result = await client.users.info({ user: userId });
  const user = result.user;
  return user?.is_admin === true || user?.is_owner === true || user?.is_primary_owner === true;
}

export async function groupMembers(client: WebClient, groupIds: readonly string[]): Promise<string[]> {
  const lists = await Promise.all(
    groupIds.map(async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? []),
  );
  return [...new Set(lists.flat())];
}

// `app_home_opened`: the person's Home tab is published for them (the Messages tab needs nothing).
import type { Services } from '../../services/index.js';
import type { EventArgs } from '../types.js';

export async function appHomeOpened(args: EventArgs<'app_home_opened'>, services: Services): Promise<void> {
  const { event, context } = args;
  if (event.tab !== 'home') return;
  const teamId = context.teamId ?? (args.body as { team_id?: string }).team_id ?? '';
  await services.home.opened({ teamId, enterpriseId: context.enterpriseId ?? null }, event.user);
}

// `app_home_opened`: the person's Home tab is published for them (the Messages tab needs nothing).
import type { Services } from '../../services/index.js';
import type { EventArgs } from '../types.js';
import { tenantOf } from '../tenant.js';

export async function appHomeOpened(args: EventArgs<'app_home_opened'>, services: Services): Promise<void> {
  const { event } = args;
  if (event.tab !== 'home') return;
  await services.home.opened(tenantOf(args), event.user);
}

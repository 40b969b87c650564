// Links to the bot's own messages, built instead of asked for. A Slack permalink is the workspace's URL,
// `archives/<channel>/p<ts without its dot>` and, for a reply, the thread it is in — which is what
// chat.getPermalink answers. Asking for it cost one Web API call per request (and one per approval
// card); the workspace's URL costs one auth.test per workspace per process, remembered.
import type { WebClient } from '@slack/web-api';
import type { MessageRef, RequestThread } from '../domain/importRequest.js';
import type { Workspace } from '../domain/workspace.js';
import type { Logger } from '../process/logger.js';

/** `https://acme.slack.com/archives/C123/p1700000000000100`, with `?thread_ts=…&cid=…` for a reply. */
export function messagePermalink(workspaceUrl: string, ref: MessageRef & Pick<RequestThread, 'root'>): string {
  const base = workspaceUrl.endsWith('/') ? workspaceUrl : `${workspaceUrl}/`;
  const link = new URL(`archives/${encodeURIComponent(ref.channel)}/p${ref.ts.replace('.', '')}`, base);
  if (ref.root !== undefined && ref.root !== ref.ts) {
    link.searchParams.set('thread_ts', ref.root);
    link.searchParams.set('cid', ref.channel);
  }
  return link.toString();
}

export class SlackLinks {
  /**
   * Each workspace's URL (or the lookup in progress); null when Slack answered without one (asked again
   * only once forgotten), a failed lookup is not kept. Bound: `max` workspaces (1000 by default);
   * eviction: least recently used first (the Map's order).
   */
  private readonly urls = new Map<string, Promise<string | null>>();

  constructor(
    private readonly slackFor: (workspace: Workspace) => Promise<WebClient>,
    private readonly logger: Logger,
    private readonly max = 1000,
  ) {}

  /** The message's permalink, or null when the workspace's URL cannot be had now (asked again next time). */
  async permalink(workspace: Workspace, ref: MessageRef & Pick<RequestThread, 'root'>): Promise<string | null> {
    const url = await this.workspaceUrl(workspace);
    return url === null ? null : messagePermalink(url, ref);
  }

  private workspaceUrl(workspace: Workspace): Promise<string | null> {
    const key = workspace.teamId;
    let url = this.urls.get(key);
    if (url === undefined) {
      url = this.lookUp(workspace).then((found) => {
        if (found === undefined) this.urls.delete(key);
        return found ?? null;
      });
    } else {
      this.urls.delete(key);
    }
    this.urls.set(key, url);
    while (this.urls.size > this.max) this.urls.delete(this.urls.keys().next().value!);
    return url;
  }

  /** The URL; null when Slack answered without one; undefined when it could not be asked (asked again next time). */
  private async lookUp(workspace: Workspace): Promise<string | null | undefined> {
    try {
      const { url } = await (await this.slackFor(workspace)).auth.test();
      if (typeof url === 'string' && /^https:\/\//.test(url)) return url;
      this.logger.warn({ teamId: workspace.teamId }, 'auth.test answered without the workspace’s URL: links to threads are left out');
      return null;
    } catch (error) {
      this.logger.warn({ err: error, teamId: workspace.teamId }, 'could not learn the workspace’s URL: links to threads are left out');
      return undefined;
    }
  }
}

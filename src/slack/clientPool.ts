// Web API clients kept per workspace, a bounded number in all, each speaking with its workspace's latest
// token; and Bolt's own clients (the `client` each listener receives) kept that way too.
//
// Bolt 5 keeps its clients in `App.clients[teamId ?? enterpriseId]`, a WebClientPool per workspace that
// makes one client per token and never lets one go (node_modules/@slack/bolt/dist/App.js: WebClientPool,
// and processEvent's `this.clients[authorizeResult.teamId]` then `pool.getOrCreate(token, options)`).
// With token rotation every refresh left a client behind — about 26 KB each (its hundreds of bound API
// methods) — and the 128 MB heap ran out after some 3,500 refreshes. `boundBoltClients` puts a pool
// of ours where Bolt looks. That leans on a Bolt internal: the check below refuses to start if the
// field is gone, and test/unit/slackClientPool.test.ts fails if Bolt stops handing listeners our clients.
import type { App } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';

/**
 * Workspaces whose client is kept, in each pool (Bolt's, and the background one). A client costs
 * about 26 KB of heap, and building one again about 60 µs (measured with @slack/web-api 8.2 on a
 * 2 vCPU AMD EPYC): 200 keep a pool near 5 MB, and a workspace quiet long enough to be dropped
 * pays 60 µs on its next payload.
 */
export const CLIENTS_PER_POOL = 200;

/** A workspace's client and the token it was made with. */
interface Kept {
  token: string;
  client: WebClient;
}

/** One client per workspace (its latest token's), at most `max` workspaces, the least recently used dropped first. */
export class ClientsByWorkspace {
  /**
   * By workspace (team id, or an org's enterprise id); bound: `max` entries; eviction: least recently
   * used first (a Map's order is the eviction order), and a workspace's new token replaces its client.
   * A dropped client still serves whoever holds it; it is collected once they are done.
   */
  private readonly byWorkspace = new Map<string, Kept>();

  constructor(private readonly max = CLIENTS_PER_POOL) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`ClientsByWorkspace: max must be a positive integer, not ${max}`);
  }

  /** The workspace's client for `token`: the one kept if it has that token, else a new one from `make`, replacing it. */
  for(workspace: string, token: string, make: (token: string) => WebClient): WebClient {
    const kept = this.byWorkspace.get(workspace);
    this.byWorkspace.delete(workspace);
    const current = kept !== undefined && kept.token === token ? kept : { token, client: make(token) };
    this.byWorkspace.set(workspace, current);
    if (this.byWorkspace.size > this.max) this.byWorkspace.delete(this.byWorkspace.keys().next().value!);
    return current.client;
  }

  /** The client kept for the workspace, if any (tests look). */
  peek(workspace: string): WebClient | undefined {
    return this.byWorkspace.get(workspace)?.client;
  }

  get size(): number {
    return this.byWorkspace.size;
  }
}

/** What Bolt 5 calls on the pool it finds in `App.clients[id]`. */
interface BoltPool {
  getOrCreate(token: string, clientOptions: WebClientOptions): WebClient;
}

/**
 * Replaces the App's `clients` with a view of `pool`: for any workspace id Bolt reads, a pool whose
 * getOrCreate answers from `pool`. Bolt never finds one missing, so it never stores its own; were it to
 * (a later Bolt), the assignment is ignored and its pool serves that one payload and is collected.
 */
export function boundBoltClients(app: App, pool: ClientsByWorkspace = new ClientsByWorkspace()): ClientsByWorkspace {
  const internals = app as unknown as Record<string, unknown>;
  const current = internals['clients'];
  if (!Object.hasOwn(app, 'clients') || typeof current !== 'object' || current === null || Object.keys(current).length > 0) {
    throw new Error(
      'Bolt no longer keeps its per-workspace Web API clients in a fresh App.clients object: the bot cannot bound them, and ' +
        'every token refresh would keep a client forever. See src/slack/clientPool.ts and test/unit/slackClientPool.test.ts.',
    );
  }
  const views = new Proxy(Object.create(null) as Record<string, BoltPool>, {
    get: (_target, id): BoltPool | undefined =>
      typeof id === 'string' ? { getOrCreate: (token, options) => pool.for(id, token, (t) => new WebClient(t, options)) } : undefined,
    set: () => true,
  });
  internals['clients'] = views;
  return pool;
}

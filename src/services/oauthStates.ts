// The state of an install link (GET /slack/install → Slack → /slack/oauth_redirect): signed with
// SLACK_STATE_SECRET by @slack/oauth's own state store, so any replica can check it, and good once —
// the database remembers each state used until it would have expired anyway, so a replayed redirect is
// refused even with the right cookie.
import { createHash } from 'node:crypto';
import { ClearStateStore, InvalidStateError, type InstallURLOptions, type StateStore } from '@slack/oauth';
import type { Store } from '../store/store.js';

/** How long an install link stays good (also the state cookie's lifetime). */
export const INSTALL_LINK_SECONDS = 600;

export class SingleUseStateStore implements StateStore {
  private readonly signed: ClearStateStore;

  constructor(
    stateSecret: string,
    private readonly store: Store,
  ) {
    this.signed = new ClearStateStore(stateSecret, INSTALL_LINK_SECONDS);
  }

  generateStateParam(installOptions: InstallURLOptions, now: Date): Promise<string> {
    return this.signed.generateStateParam(installOptions, now);
  }

  async verifyStateParam(now: Date, state: string): Promise<InstallURLOptions> {
    // A forged or expired state is refused here, before anything is remembered.
    const options = await this.signed.verifyStateParam(now, state);
    const hash = createHash('sha256').update(state).digest('hex');
    const first = await this.store.consumeOAuthState(hash, now.getTime() + INSTALL_LINK_SECONDS * 1000, now.getTime());
    if (!first) throw new InvalidStateError('The state value was already used: start the installation again from /slack/install');
    return options;
  }
}

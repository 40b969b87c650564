// Work that runs after Slack got its ack (imports, thread messages): tracked so that a shutdown can
// wait for it, and guarded so that a failure is logged with context instead of becoming unhandled.
import { isAppError } from '../errors.js';
import type { Logger } from '../logger.js';

export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  get size(): number {
    return this.running.size;
  }

  /** Starts `task` now; its error is logged under `name`, never thrown at the caller. */
  run(name: string, task: () => Promise<unknown>, context: Record<string, unknown> = {}): void {
    const promise: Promise<void> = (async () => {
      try {
        await task();
      } catch (error) {
        if (isAppError(error) && error.code === 'slack_not_installed') {
          // The workspace removed the app meanwhile: what was done is stored; there is nobody left to tell.
          this.logger.warn({ err: error, task: name, ...context }, `background task ${name} could not reach Slack: ${error.message}`);
          return;
        }
        this.logger.error({ err: error, task: name, ...context }, `background task ${name} failed`);
      }
    })();
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }

  /** Waits for everything running (and anything it starts) for at most `timeoutMs`; true if all ended. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), remaining);
      });
      const result = await Promise.race([Promise.allSettled([...this.running]).then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (result === 'timeout') return false;
    }
    return true;
  }
}

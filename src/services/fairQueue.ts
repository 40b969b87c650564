// The order background work waits in, as p-queue's `queueClass`: one line per workspace, served in
// turn, so that a workspace submitting fifty imports a second delays another's single import by one
// task, not by fifty. Within a workspace, higher priority first, then first come first served. Across
// priorities, higher first — but work of the lowest priority (Home refreshes) that has waited longer
// than REFRESH_AGE_MS goes ahead of everything else once, so that a steady stream of imports never
// starves it (a refresh is one short call: it does not hold a request back for long).
//
// Memory: one entry per task waiting (the caller bounds how many per workspace and in all); a
// workspace's line and its place in the rotation are dropped as soon as its last task leaves.
import type { Queue, RunFunction } from 'p-queue';

/** What BackgroundWork says about each task it adds. */
export interface FairQueueOptions {
  priority?: number | undefined;
  /** The workspace the work is for: each has its line. Work of no workspace has a line of its own. */
  tenant?: string | undefined;
  id?: string | undefined;
}

/** Lowest-priority work waiting longer than this goes first (see the top of the file). */
export const REFRESH_AGE_MS = 2000;
/** The priority the ageing rule applies to (BackgroundWork's Home refreshes). */
const LOWEST = 0;
const NO_TENANT = '';

interface Entry {
  run: RunFunction;
  priority: number;
  tenant: string;
  id: string | undefined;
  since: number;
}

/** The lines of one priority: each workspace's FIFO, in the order the workspaces are served. */
class Rotation {
  /** Map order is the rotation: the next workspace served is the first key. */
  private readonly lines = new Map<string, Entry[]>();
  size = 0;

  push(entry: Entry): void {
    const line = this.lines.get(entry.tenant);
    if (line === undefined) this.lines.set(entry.tenant, [entry]);
    else line.push(entry);
    this.size += 1;
  }

  /** The oldest entry of the workspace whose turn it is; that workspace goes to the back of the rotation. */
  take(): Entry | undefined {
    const first = this.lines.entries().next();
    if (first.done === true) return undefined;
    const [tenant, line] = first.value;
    const entry = line.shift()!;
    this.lines.delete(tenant);
    if (line.length > 0) this.lines.set(tenant, line);
    this.size -= 1;
    return entry;
  }

  /** The entry that has waited longest in any line. */
  oldest(): Entry | undefined {
    let found: Entry | undefined;
    for (const line of this.lines.values()) if (found === undefined || line[0]!.since < found.since) found = line[0];
    return found;
  }

  /** Takes out the entry `match` finds (any line); undefined when none does. */
  remove(match: (entry: Entry) => boolean): Entry | undefined {
    for (const [tenant, line] of this.lines) {
      const index = line.findIndex(match);
      if (index === -1) continue;
      const [entry] = line.splice(index, 1);
      if (line.length === 0) this.lines.delete(tenant);
      this.size -= 1;
      return entry;
    }
    return undefined;
  }

  entries(): Entry[] {
    return [...this.lines.values()].flat();
  }

  count(tenant: string): number {
    return this.lines.get(tenant)?.length ?? 0;
  }
}

export class FairQueue implements Queue<RunFunction, FairQueueOptions> {
  /** One rotation per priority, highest first when dequeuing. */
  private readonly byPriority = new Map<number, Rotation>();

  constructor(private readonly now: () => number = Date.now) {}

  enqueue(run: RunFunction, options?: Partial<FairQueueOptions>): void {
    const priority = options?.priority ?? 0;
    let rotation = this.byPriority.get(priority);
    if (rotation === undefined) {
      rotation = new Rotation();
      this.byPriority.set(priority, rotation);
    }
    rotation.push({ run, priority, tenant: options?.tenant ?? NO_TENANT, id: options?.id, since: this.now() });
  }

  dequeue(): RunFunction | undefined {
    const lowest = this.byPriority.get(LOWEST);
    const aged = lowest?.oldest();
    if (aged !== undefined && this.now() - aged.since >= REFRESH_AGE_MS) return lowest!.remove((e) => e === aged)!.run;
    for (const priority of [...this.byPriority.keys()].sort((a, b) => b - a)) {
      const entry = this.byPriority.get(priority)!.take();
      if (entry !== undefined) return entry.run;
    }
    return undefined;
  }

  filter(options: Readonly<Partial<FairQueueOptions>>): RunFunction[] {
    const rotations = options.priority === undefined ? [...this.byPriority.values()] : [this.byPriority.get(options.priority)].filter((r) => r !== undefined);
    return rotations
      .flatMap((r) => r.entries())
      .filter((e) => options.tenant === undefined || e.tenant === options.tenant)
      .map((e) => e.run);
  }

  setPriority(id: string, priority: number): void {
    for (const rotation of this.byPriority.values()) {
      const entry = rotation.remove((e) => e.id === id);
      if (entry === undefined) continue;
      this.enqueue(entry.run, { priority, tenant: entry.tenant, id });
      return;
    }
    throw new ReferenceError(`No promise function with the id "${id}" exists in the queue.`);
  }

  remove(idOrRun: string | RunFunction): void {
    for (const rotation of this.byPriority.values()) {
      if (rotation.remove((e) => (typeof idOrRun === 'string' ? e.id === idOrRun : e.run === idOrRun)) !== undefined) return;
    }
  }

  /** Tasks of `tenant` waiting, at every priority: what BackgroundWork bounds per workspace. */
  waiting(tenant: string): number {
    let n = 0;
    for (const rotation of this.byPriority.values()) n += rotation.count(tenant);
    return n;
  }

  get size(): number {
    let n = 0;
    for (const rotation of this.byPriority.values()) n += rotation.size;
    return n;
  }
}

// The order background work waits in: each workspace's line served in turn, higher priority first,
// first come first served within a workspace, old refreshes never starved — and as p-queue's queueClass,
// the order tasks really start in.
import fc from 'fast-check';
import PQueue, { type RunFunction } from 'p-queue';
import { FairQueue, REFRESH_AGE_MS, type FairQueueOptions } from '../../../src/services/fairQueue.js';

const REQUEST = 1;
const REFRESH = 0;
const DECISION = 2;

/** A run function that says who it is. */
function task(name: string): RunFunction & { label: string } {
  return Object.assign(() => Promise.resolve(name), { label: name });
}

function drain(queue: FairQueue): string[] {
  const out: string[] = [];
  for (let run = queue.dequeue(); run !== undefined; run = queue.dequeue()) out.push((run as RunFunction & { label: string }).label);
  return out;
}

test('a flood from one workspace and a single task from another: the single one goes second', () => {
  const queue = new FairQueue(() => 0);
  for (let i = 0; i < 50; i += 1) queue.enqueue(task(`A${i}`), { tenant: 'A', priority: REQUEST });
  queue.enqueue(task('B0'), { tenant: 'B', priority: REQUEST });
  expect(drain(queue).slice(0, 3)).toEqual(['A0', 'B0', 'A1']);
});

test('workspaces take turns; within one, first come first served', () => {
  const queue = new FairQueue(() => 0);
  for (const name of ['A0', 'A1', 'A2', 'B0', 'B1', 'C0']) queue.enqueue(task(name), { tenant: name[0], priority: REQUEST });
  expect(drain(queue)).toEqual(['A0', 'B0', 'C0', 'A1', 'B1', 'A2']);
  expect(queue.size).toBe(0);
});

test('higher priority first, whichever workspace; a refresh waiting past its age goes ahead once', () => {
  let now = 0;
  const queue = new FairQueue(() => now);
  queue.enqueue(task('refresh'), { tenant: 'A', priority: REFRESH });
  queue.enqueue(task('A-request'), { tenant: 'A', priority: REQUEST });
  queue.enqueue(task('B-decision'), { tenant: 'B', priority: DECISION });
  expect(drain(queue)).toEqual(['B-decision', 'A-request', 'refresh']);

  queue.enqueue(task('old refresh'), { tenant: 'A', priority: REFRESH });
  now += REFRESH_AGE_MS;
  for (let i = 0; i < 3; i += 1) queue.enqueue(task(`request${i}`), { tenant: 'B', priority: REQUEST });
  expect(drain(queue)).toEqual(['old refresh', 'request0', 'request1', 'request2']);
});

test('what is waiting per workspace, filtering, removing and re-prioritising', () => {
  const queue = new FairQueue(() => 0);
  queue.enqueue(task('A0'), { tenant: 'A', priority: REQUEST, id: 'a0' });
  queue.enqueue(task('A1'), { tenant: 'A', priority: REFRESH });
  queue.enqueue(task('B0'), { tenant: 'B', priority: REQUEST, id: 'b0' });
  expect(queue.waiting('A')).toBe(2);
  expect(queue.waiting('C')).toBe(0);
  expect(queue.filter({ priority: REQUEST }).length).toBe(2);
  expect(queue.filter({ tenant: 'A' }).length).toBe(2);
  queue.setPriority('b0', DECISION);
  queue.remove('a0');
  expect(() => queue.setPriority('nope', 1)).toThrow(ReferenceError);
  expect(drain(queue)).toEqual(['B0', 'A1']);
});

test('property: every task comes out exactly once, in its workspace’s order within its priority', () => {
  const arbitraryTask = fc.record({ tenant: fc.constantFrom('A', 'B', 'C', 'D'), priority: fc.constantFrom(REFRESH, REQUEST, DECISION) });
  fc.assert(
    fc.property(fc.array(arbitraryTask, { maxLength: 200 }), (tasks) => {
      const queue = new FairQueue(() => 0);
      tasks.forEach((t, i) => queue.enqueue(task(String(i)), t));
      const out = drain(queue).map(Number);
      expect([...out].sort((a, b) => a - b)).toEqual(tasks.map((_, i) => i));
      for (const tenant of ['A', 'B', 'C', 'D']) {
        for (const priority of [REFRESH, REQUEST, DECISION]) {
          const mine = out.filter((i) => tasks[i]!.tenant === tenant && tasks[i]!.priority === priority);
          expect(mine).toEqual([...mine].sort((a, b) => a - b));
        }
      }
      // Fair: within one priority, no workspace gets two turns while another of that priority waits.
      for (const priority of [REFRESH, REQUEST, DECISION]) {
        const order = out.filter((i) => tasks[i]!.priority === priority).map((i) => tasks[i]!.tenant);
        const remaining = new Map<string, number>();
        for (const t of order) remaining.set(t, (remaining.get(t) ?? 0) + 1);
        const served = new Map<string, number>();
        for (const t of order) {
          served.set(t, (served.get(t) ?? 0) + 1);
          for (const [other, total] of remaining) {
            if (other !== t && (served.get(other) ?? 0) < total) expect(served.get(t)! - (served.get(other) ?? 0)).toBeLessThanOrEqual(1);
          }
        }
      }
      expect(queue.size).toBe(0);
    }),
  );
});

test('as p-queue’s queueClass: with one slot, tasks start in the fair order', async () => {
  const started: string[] = [];
  const queue = new PQueue<FairQueue, FairQueueOptions>({ concurrency: 1, queueClass: FairQueue, autoStart: false });
  const add = (name: string, tenant: string) =>
    queue.add(
      async () => {
        started.push(name);
      },
      { tenant, priority: REQUEST },
    );
  const all = [...Array.from({ length: 5 }, (_, i) => add(`A${i}`, 'A')), add('B0', 'B'), add('C0', 'C')];
  queue.start();
  await Promise.all(all);
  expect(started).toEqual(['A0', 'B0', 'C0', 'A1', 'A2', 'A3', 'A4']);
});

// The background queue on its own: at most `concurrency` tasks hold a slot, the rest wait in priority
// order; a wait outside the slot frees it; drain waits for queued and running tasks; stop drops what
// has not started and lets what has started finish.
import { createLogger, SecretScrubber } from '../../../src/process/logger.js';
import { BackgroundWork, MAX_WAITING, MAX_WAITING_PER_WORKSPACE, STARTED_PER_SLOT } from '../../../src/services/backgroundWork.js';

function aQueue(concurrency: number) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', scrubber: new SecretScrubber(), destination: { write: (line: string) => void lines.push(line) } });
  return { work: new BackgroundWork(logger, { concurrency }), lines };
}

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('runs at most `concurrency` tasks at once; run() returns before any task starts waiting', async () => {
  const { work } = aQueue(2);
  const g = gate();
  let started = 0;
  for (let i = 0; i < 5; i++) {
    work.run('task', async () => {
      started += 1;
      await g.promise;
    });
  }
  expect(work.size).toBe(5);
  await tick();
  expect(started).toBe(2);
  expect({ running: work.running, queued: work.queued }).toEqual({ running: 2, queued: 3 });
  g.open();
  expect(await work.drain(1000)).toBe(true);
  expect(started).toBe(5);
  expect(work.size).toBe(0);
});

test('a decision starts before requests and Home refreshes queued earlier', async () => {
  const { work } = aQueue(1);
  const g = gate();
  const order: string[] = [];
  work.run('hold', () => g.promise);
  work.run('refresh', async () => void order.push('refresh'), {}, 'refresh');
  work.run('request', async () => void order.push('request'));
  work.run('decision', async () => void order.push('decision'), {}, 'decision');
  g.open();
  await work.drain(1000);
  expect(order).toEqual(['decision', 'request', 'refresh']);
});

test('a task waiting outside its slot lets the next one run, then finishes ahead of tasks not started', async () => {
  const { work } = aQueue(1);
  const answer = gate();
  const order: string[] = [];
  work.run('import', async () => {
    order.push('import sends');
    await work.outside(() => answer.promise);
    order.push('import saves');
  });
  work.run('second', async () => {
    order.push('second starts');
    answer.open();
    await tick();
  });
  work.run('third', async () => void order.push('third starts'));
  await work.drain(1000);
  expect(order).toEqual(['import sends', 'second starts', 'import saves', 'third starts']);
});

test('tasks waiting outside their slots are bounded too: at most STARTED_PER_SLOT per slot are started', async () => {
  const { work } = aQueue(2);
  const answers = gate();
  let started = 0;
  for (let i = 0; i < 3 * 2 * STARTED_PER_SLOT; i++) {
    work.run('import', async () => {
      started += 1;
      await work.outside(() => answers.promise);
    });
  }
  for (let i = 0; i < 5; i++) await tick();
  expect(started).toBe(2 * STARTED_PER_SLOT);
  expect(work.queued).toBe(2 * 2 * STARTED_PER_SLOT);
  answers.open();
  expect(await work.drain(1000)).toBe(true);
  expect(started).toBe(3 * 2 * STARTED_PER_SLOT);
});

test('drain waits for queued and running tasks, and for tasks they start; false when time runs out', async () => {
  const { work } = aQueue(1);
  const g = gate();
  let last = false;
  work.run('first', async () => {
    await g.promise;
    work.run('started by the first', async () => {
      last = true;
    });
  });
  work.run('queued', async () => undefined);
  expect(await work.drain(50)).toBe(false);
  g.open();
  expect(await work.drain(1000)).toBe(true);
  expect(last).toBe(true);
});

test('stop drops the tasks not started (logged with their request ids) and lets started ones finish; nothing starts after', async () => {
  const { work, lines } = aQueue(1);
  const g = gate();
  const ran: string[] = [];
  work.run('running', async () => {
    await g.promise;
    ran.push('running finished');
  });
  await tick();
  work.run('queued import', async () => void ran.push('queued import'), { requestId: 'ir-queued' });
  work.run('queued decision', async () => void ran.push('queued decision'), { requestId: 'ir-rejected' }, 'decision');
  work.stop();
  work.run('after stop', async () => void ran.push('after stop'));
  g.open();
  expect(await work.drain(1000)).toBe(true);
  expect(ran).toEqual(['running finished']);
  const dropped = lines.map((l) => JSON.parse(l) as { msg: string; requests?: string[]; decisions?: string[] }).find((l) => l.msg.startsWith('stopping with background work not started'));
  expect(dropped).toMatchObject({ requests: ['ir-queued'], decisions: ['ir-rejected'] });
});

test('a task waiting outside its slot when the process stops still finishes (it may hold an answer to save)', async () => {
  const { work } = aQueue(1);
  const answer = gate();
  let saved = false;
  work.run('import', async () => {
    await work.outside(() => answer.promise);
    saved = true;
  });
  await tick();
  work.stop();
  answer.open();
  expect(await work.drain(1000)).toBe(true);
  expect(saved).toBe(true);
});

test('a failing task is logged under its name and does not stop the queue', async () => {
  const { work, lines } = aQueue(1);
  let after = false;
  work.run('breaks', async () => {
    throw new Error('boom');
  }, { requestId: 'ir-1' });
  work.run('after', async () => {
    after = true;
  });
  await work.drain(1000);
  expect(after).toBe(true);
  expect(lines.join('\n')).toMatch(/background task breaks failed/);
});

test('while the event loop is saturated one task runs at a time; the slots come back when it calms down', async () => {
  const { work, lines } = aQueue(3);
  const g = gate();
  let running = 0;
  let most = 0;
  const task = async () => {
    running += 1;
    most = Math.max(most, running);
    await g.promise;
    running -= 1;
  };
  work.stepAside(true, 3);
  for (let i = 0; i < 4; i++) work.run('task', task);
  await tick();
  expect(running).toBe(1);
  work.stepAside(false, 3);
  await tick();
  expect(running).toBe(3);
  g.open();
  await work.drain(1000);
  expect(most).toBe(3);
  expect(lines.some((l) => l.includes('down to one slot'))).toBe(true);
  expect(lines.some((l) => l.includes('back to its slots'))).toBe(true);
});

test('a flood from one workspace: another workspace’s task starts within the first few, not after the flood', async () => {
  const { work } = aQueue(1);
  const g = gate();
  const order: string[] = [];
  work.run('hold', () => g.promise, { teamId: 'A' });
  for (let i = 0; i < 30; i++) work.run(`A${i}`, async () => void order.push(`A${i}`), { teamId: 'A' });
  work.run('B', async () => void order.push('B'), { teamId: 'B' });
  g.open();
  await work.drain(1000);
  // Behind the flood's task whose end admits it, and the one already admitted it then takes turns with.
  expect(order.indexOf('B')).toBeLessThanOrEqual(3);
  expect(order.filter((name) => name.startsWith('A'))).toEqual(Array.from({ length: 30 }, (_, i) => `A${i}`));
});

test('bounded: past its share a workspace’s work is refused and said so; other workspaces and decisions still queue', async () => {
  const { work, lines } = aQueue(1);
  const g = gate();
  work.run('hold', () => g.promise, { teamId: 'A' });
  await tick();
  for (let i = 0; i < MAX_WAITING_PER_WORKSPACE; i++) expect(work.run('flood', () => g.promise, { teamId: 'A', requestId: `ir-${i}` })).toBe(true);
  expect(work.run('one too many', () => g.promise, { teamId: 'A', requestId: 'ir-over' })).toBe(false);
  expect(work.run('refresh', () => g.promise, { teamId: 'A' }, 'refresh')).toBe(false);
  expect(work.run('decision', () => g.promise, { teamId: 'A', requestId: 'ir-decided' }, 'decision')).toBe(true);
  expect(work.run('another workspace', () => g.promise, { teamId: 'B' })).toBe(true);
  const refused = lines.map((l) => JSON.parse(l) as { msg: string; requestId?: string }).filter((l) => l.msg.startsWith('background backlog full'));
  expect(refused.map((l) => l.requestId)).toEqual(['ir-over', undefined]);
  expect(refused[0]!.msg).toMatch(/the sweeper resumes it/);
  g.open();
  expect(await work.drain(5000)).toBe(true);
  // Once it has drained, the workspace may queue again.
  expect(work.run('later', async () => undefined, { teamId: 'A' })).toBe(true);
  expect(await work.drain(1000)).toBe(true);
});

test('bounded in all: past MAX_WAITING tasks waiting, work of any workspace is refused', async () => {
  const { work } = aQueue(1);
  const g = gate();
  work.run('hold', () => g.promise);
  const perWorkspace = MAX_WAITING_PER_WORKSPACE;
  for (let i = 0; i < MAX_WAITING; i++) work.run('flood', () => g.promise, { teamId: `T${Math.floor(i / perWorkspace)}` });
  expect(work.queued).toBe(MAX_WAITING);
  expect(work.run('a new workspace', () => g.promise, { teamId: 'T-new' })).toBe(false);
  g.open();
  expect(await work.drain(10_000)).toBe(true);
});

describe('park: waiting on time alone (a rate limit) or on another task, holding neither slot nor place', () => {
  test('a workspace whose calls Slack holds back fills no places: another workspace’s task starts and ends while they wait', async () => {
    // One slot, so STARTED_PER_SLOT places: more parked tasks than that would block every start if they kept them.
    const { work } = aQueue(1);
    const retryAfter = gate();
    const order: string[] = [];
    const parkedTasks = 2 * STARTED_PER_SLOT;
    for (let i = 0; i < parkedTasks; i++) {
      work.run(
        `A${i}`,
        async () => {
          await work.park(() => retryAfter.promise);
          order.push(`A${i}`);
        },
        { teamId: 'A' },
      );
    }
    for (let i = 0; i < 5; i++) await tick();
    expect(work.parked).toBe(parkedTasks);
    work.run('B', async () => void order.push('B'), { teamId: 'B' });
    for (let i = 0; i < 5; i++) await tick();
    expect(order).toEqual(['B']);
    retryAfter.open();
    expect(await work.drain(1000)).toBe(true);
    expect(order).toHaveLength(parkedTasks + 1);
    expect(work.parked).toBe(0);
  });

  test('parked tasks count against their workspace’s backlog: past it, its new work is refused; another workspace’s is not', async () => {
    const { work } = aQueue(1);
    const retryAfter = gate();
    const hold = gate();
    work.run('hold', () => hold.promise, { teamId: 'B' });
    await tick();
    for (let i = 0; i < MAX_WAITING_PER_WORKSPACE; i++) work.run('A', () => work.park(() => retryAfter.promise), { teamId: 'A' });
    hold.open();
    for (let i = 0; i < 50; i++) await tick();
    expect(work.parked).toBeGreaterThan(STARTED_PER_SLOT);
    expect(work.run('one too many', async () => undefined, { teamId: 'A' })).toBe(false);
    expect(work.run('another workspace', async () => undefined, { teamId: 'B' })).toBe(true);
    retryAfter.open();
    expect(await work.drain(5000)).toBe(true);
  });

  test('tasks waiting on a task that parked (a thread being opened) park too: with one slot, none of them waits forever', async () => {
    const { work } = aQueue(1);
    const retryAfter = gate();
    let shared: Promise<string> | undefined;
    const done: string[] = [];
    // The first task opens the "thread" and is rate-limited while doing it.
    work.run('opens', async () => {
      shared = (async () => {
        await work.park(() => retryAfter.promise);
        return 'thread';
      })();
      done.push(`opener: ${await shared}`);
    });
    await tick();
    // More steps of the same request than there are places, each needing that thread.
    for (let i = 0; i < STARTED_PER_SLOT + 2; i++) work.run(`step ${i}`, async () => void done.push(`step ${i}: ${await work.park(() => shared!)}`));
    for (let i = 0; i < 10; i++) await tick();
    retryAfter.open();
    expect(await work.drain(2000)).toBe(true);
    expect(done).toHaveLength(STARTED_PER_SLOT + 3);
  });

  test('two waits of one task ending while another task holds the one slot come back on one slot: nothing waits for itself, no slot leaks', async () => {
    const { work } = aQueue(1);
    const post = gate();
    const ready = gate();
    const holder = gate();
    const order: string[] = [];
    work.run('import', async () => {
      // The POST (outside) and, meanwhile, a step of its thread that parks once the POST's answer is back.
      const sent = work.outside(() => post.promise).then(() => order.push('answer saved'));
      const told = ready.promise.then(async () => {
        await work.park(() => tick());
        order.push('told');
      });
      await Promise.all([sent, told]);
    });
    work.run('holder', () => holder.promise);
    for (let i = 0; i < 5; i++) await tick();
    // The holder has the slot. The POST's answer comes (the import asks for its slot back); then the
    // step parks and its wait ends too, while that first return is still waiting for the slot.
    post.open();
    for (let i = 0; i < 5; i++) await tick();
    ready.open();
    for (let i = 0; i < 5; i++) await tick();
    holder.open();
    expect(await work.drain(1000)).toBe(true);
    expect(order.sort()).toEqual(['answer saved', 'told']);
    // Still exactly one slot: two tasks after it run one at a time, and both run.
    const running: number[] = [];
    let now = 0;
    for (const name of ['a', 'b']) {
      work.run(name, async () => {
        running.push((now += 1));
        await tick();
        now -= 1;
      });
    }
    expect(await work.drain(1000)).toBe(true);
    expect(running).toEqual([1, 1]);
  });

  test('back from parking, a task takes its slot again before tasks not started', async () => {
    const { work } = aQueue(1);
    const retryAfter = gate();
    const order: string[] = [];
    work.run('limited', async () => {
      order.push('limited calls');
      await work.park(() => retryAfter.promise);
      order.push('limited goes on');
    });
    work.run('second', async () => {
      order.push('second starts');
      retryAfter.open();
      await tick();
    });
    work.run('third', async () => void order.push('third starts'));
    await work.drain(1000);
    expect(order).toEqual(['limited calls', 'second starts', 'limited goes on', 'third starts']);
  });
});

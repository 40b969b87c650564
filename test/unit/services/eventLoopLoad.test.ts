// The saturation signal background work steps aside on: busy from 85% utilisation, calm again only
// below 60%, so that a loop hovering near the limit does not flap between one slot and all of them.
import { BUSY_FROM, CALM_BELOW, EventLoopLoad, utilizationSinceLastCall } from '../../../src/services/eventLoopLoad.js';

test('turns busy at BUSY_FROM, stays busy until below CALM_BELOW, and says so once per change', () => {
  const readings = [0.2, BUSY_FROM - 0.01, BUSY_FROM, 0.95, CALM_BELOW + 0.05, CALM_BELOW - 0.01, 0.7, BUSY_FROM];
  const changes: boolean[] = [];
  const load = new EventLoopLoad((busy) => changes.push(busy), () => readings.shift()!);
  const seen: boolean[] = [];
  for (let i = 0; i < 8; i++) {
    load.sample();
    seen.push(load.busy());
  }
  expect(seen).toEqual([false, false, true, true, true, false, false, true]);
  expect(changes).toEqual([true, false, true]);
});

test('the real reading: a loop kept spinning reads near 1, an idle one near 0', async () => {
  const read = utilizationSinceLastCall();
  const until = Date.now() + 60;
  while (Date.now() < until) {
    // spin: the loop is busy running this callback
  }
  expect(read()).toBeGreaterThan(0.8);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(read()).toBeLessThan(0.5);
});

// Slack's rate limits as the bot keeps them, on times the test gives: a 429 closes one method in one
// workspace until its Retry-After; a channel takes a message a second, in the order they ask; both
// forget what has passed and keep a bounded number of entries.
import { Deadlines } from '../../src/slack/deadlines.js';
import { RateLimits, tierOf } from '../../src/slack/rateLimits.js';

describe('RateLimits', () => {
  test('a 429 closes that method in that workspace until its Retry-After — not the method elsewhere, nor its other methods', () => {
    const limits = new RateLimits();
    expect(limits.limited('T1', 'chat.postMessage', 2, 10_000)).toBe(2000);
    expect(limits.closedFor('T1', 'chat.postMessage', 10_000)).toBe(2000);
    expect(limits.closedFor('T1', 'chat.postMessage', 11_500)).toBe(500);
    expect(limits.closedFor('T1', 'chat.postMessage', 12_000)).toBe(0);
    expect(limits.closedFor('T2', 'chat.postMessage', 10_000)).toBe(0);
    expect(limits.closedFor('T1', 'chat.update', 10_000)).toBe(0);
  });

  test('a shorter Retry-After never opens what a longer one closed; a missing or absurd one counts as a second (at most five minutes)', () => {
    const limits = new RateLimits();
    limits.limited('T1', 'views.publish', 30, 0);
    expect(limits.limited('T1', 'views.publish', 1, 1000)).toBe(29_000);
    expect(limits.limited('T2', 'views.publish', undefined, 0)).toBe(1000);
    expect(limits.limited('T3', 'views.publish', Number.NaN, 0)).toBe(1000);
    expect(limits.limited('T4', 'views.publish', -5, 0)).toBe(1000);
    expect(limits.limited('T5', 'views.publish', 86_400, 0)).toBe(300_000);
  });

  test('a channel takes one message a second, in the order they ask; another channel, or workspace, is not held up', () => {
    const limits = new RateLimits(1000);
    const waits = [0, 0, 0, 0, 0].map(() => limits.turn('T1', 'C1', 5000));
    expect(waits).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(limits.turn('T1', 'C2', 5000)).toBe(0);
    expect(limits.turn('T2', 'C1', 5000)).toBe(0);
    // Once its turns have passed, a channel takes a message at once again.
    expect(limits.turn('T1', 'C1', 10_000)).toBe(0);
    expect(limits.turn('T1', 'C1', 10_400)).toBe(600);
  });

  test('pacing off (0 ms): every message goes at once', () => {
    const limits = new RateLimits(0);
    expect([1, 2, 3].map(() => limits.turn('T1', 'C1', 0))).toEqual([0, 0, 0]);
  });

  test('each method’s tier, as Slack documents it; a method not listed is "other"', () => {
    expect(tierOf('chat.postMessage')).toBe('special');
    expect(tierOf('chat.update')).toBe('tier3');
    expect(tierOf('views.publish')).toBe('tier4');
    expect(tierOf('users.info')).toBe('tier4');
    expect(tierOf('usergroups.users.list')).toBe('tier2');
    expect(tierOf('auth.test')).toBe('special');
    expect(tierOf('admin.teams.create')).toBe('other');
  });

  test('bounded: with thousands of workspaces limited or posting, it keeps at most its bound', () => {
    const limits = new RateLimits(1000, 100);
    for (let i = 0; i < 5000; i++) {
      limits.limited(`T${i}`, 'chat.postMessage', 60, 0);
      limits.turn(`T${i}`, 'C1', 0);
    }
    // The most recent are kept; the oldest were dropped (they may go sooner: Slack answers 429 again if too soon).
    expect(limits.closedFor('T4999', 'chat.postMessage', 0)).toBe(60_000);
    expect(limits.closedFor('T0', 'chat.postMessage', 0)).toBe(0);
  });
});

describe('Deadlines', () => {
  test('a time is forgotten once passed: when read, and from the front when another is set', () => {
    const times = new Deadlines(10);
    times.set('a', 100, 0);
    times.set('b', 200, 0);
    expect(times.get('a', 50)).toBe(100);
    expect(times.get('a', 100)).toBeUndefined();
    expect(times.size).toBe(1);
    times.set('c', 500, 300); // 'b' (200) has passed by 300
    expect(times.size).toBe(1);
  });

  test('at most `max` keys: the least recently set goes first', () => {
    const times = new Deadlines(3);
    for (const key of ['a', 'b', 'c']) times.set(key, 1000, 0);
    times.set('a', 1000, 0); // set again: now the most recent
    times.set('d', 1000, 0);
    expect(times.size).toBe(3);
    expect(times.get('b', 0)).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => times.get(k, 0))).toEqual([1000, 1000, 1000]);
  });

  test('a bound that is not a positive whole number is refused', () => {
    expect(() => new Deadlines(0)).toThrow(/positive integer/);
  });
});

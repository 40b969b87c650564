// The request state machine: which moves are allowed, and which states are final.
import { canTransition, lastDecision, REQUEST_STATES, STATE_EMOJI, STATE_LABELS, TRANSITIONS, type RequestState } from '../../src/domain/importRequest.js';

const ALLOWED: Array<[RequestState, RequestState]> = [
  ['pending_approval', 'approved'],
  ['pending_approval', 'rejected'],
  ['pending_approval', 'expired'],
  ['pending_approval', 'cancelled'],
  ['approved', 'importing'],
  ['importing', 'succeeded'],
  ['importing', 'failed'],
  ['importing', 'outcome_unknown'],
  ['outcome_unknown', 'succeeded'],
  ['outcome_unknown', 'failed'],
];

describe('transitions', () => {
  it('allows exactly the documented moves', () => {
    for (const from of REQUEST_STATES) {
      for (const to of REQUEST_STATES) {
        const expected = ALLOWED.some(([f, t]) => f === from && t === to);
        expect([from, to, canTransition(from, to)]).toEqual([from, to, expected]);
      }
    }
  });

  it('never skips approval, never imports twice, never leaves a final state', () => {
    expect(canTransition('pending_approval', 'importing')).toBe(false);
    expect(canTransition('succeeded', 'importing')).toBe(false);
    expect(canTransition('failed', 'importing')).toBe(false);
    expect(canTransition('outcome_unknown', 'importing')).toBe(false);
    expect(canTransition('rejected', 'approved')).toBe(false);
  });

  it('the table covers every state and names only known states', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...REQUEST_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(REQUEST_STATES).toContain(t);
  });
});

describe('lastDecision', () => {
  const entry = (seq: number, fromState: RequestState | null, toState: RequestState, actorId: string | null = 'U1') => ({
    requestId: 'ir-abcdefgh',
    seq,
    at: seq * 1000,
    actorId,
    fromState,
    toState,
    note: null,
  });

  it('is the entry that took the request out of pending_approval, not a vote nor a later step', () => {
    const trail = [entry(1, null, 'pending_approval'), entry(2, 'pending_approval', 'pending_approval', 'U2'), entry(3, 'pending_approval', 'approved', 'U3'), entry(4, 'approved', 'importing', null), entry(5, 'importing', 'failed', null)];
    expect(lastDecision(trail)).toEqual(trail[2]);
  });

  it('is undefined while the request waits, and for one that never waited', () => {
    expect(lastDecision([entry(1, null, 'pending_approval'), entry(2, 'pending_approval', 'pending_approval')])).toBeUndefined();
    expect(lastDecision([entry(1, null, 'approved'), entry(2, 'approved', 'importing', null), entry(3, 'importing', 'succeeded', null)])).toBeUndefined();
  });
});

describe('labels', () => {
  it('every state has a label and an emoji', () => {
    for (const state of REQUEST_STATES) {
      expect(STATE_LABELS[state]).toMatch(/\S/);
      expect(STATE_EMOJI[state]).toMatch(/^:[a-z_]+:$/);
    }
  });
});

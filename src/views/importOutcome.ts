// How each way a request can end is told to people: what happened, the API's own words, and the
// next step (the API document's Solution lines for 400/422/500, and ours for everything else) — in the
// words of the request's kind: an import, or node groups added (whose 400, 404 and 409 mean their own).
import type { ImportOutcome } from '../domain/importRequest.js';
import { ANSWER_LIMIT_WORDS, type RequestKind } from '../domain/requestKinds.js';
import { escapedWithin } from './blocks.js';

export type OutcomeTone = 'success' | 'failure' | 'unknown';

export interface OutcomeDescription {
  tone: OutcomeTone;
  /** One sentence: what happened. */
  headline: string;
  /** Simplismart's own message, if it gave one. */
  apiMessage: string | null;
  fieldErrors: Array<{ field: string; messages: string[] }>;
  /** What to do now. */
  nextStep: string;
  /** Whether retrying could import the cluster twice (the button asks for confirmation then). */
  retryNeedsCare: boolean;
}

export interface OutcomeContext {
  /** The API call's timeout, to say how long the bot waited. */
  timeoutMs: number;
}

/** The words that differ between kinds wherever an ending is worded the same way. */
interface OutcomeWords {
  noun: string;
  /** "nothing was imported" (a sentence's end). */
  nothing: string;
  /** What to check before retrying an ending that may have gone through. */
  checkConsole: string;
  /** What the token must be allowed to do. */
  permission: string;
  /** What the API did not do when it redirected. */
  insteadOf: string;
  tooLarge: string;
  /** Refusals that mean something of their own at this kind's endpoint (by code). */
  answers: Partial<Record<string, (o: Rejected, status: string) => Told>>;
}

export function describeOutcome(outcome: ImportOutcome, ctx: OutcomeContext, kind: RequestKind = 'import_cluster'): OutcomeDescription {
  const words = WORDS[kind];
  switch (outcome.kind) {
    case 'imported':
      return {
        tone: 'success',
        headline: 'Imported into Simplismart.',
        apiMessage: null,
        fieldErrors: [],
        nextStep: outcome.note ?? 'Deploy models to it from the Simplismart console.',
        retryNeedsCare: false,
      };
    case 'node_groups_added':
      return {
        tone: 'success',
        headline: 'Node groups added in Simplismart.',
        apiMessage: outcome.apiMessage,
        fieldErrors: [],
        nextStep: 'Deploy models to the new node groups from the Simplismart console.',
        retryNeedsCare: false,
      };
    case 'rejected': {
      const described = words.answers[outcome.code]?.(outcome, statusOf(outcome)) ?? describeRejection(outcome, words);
      return { tone: 'failure', retryNeedsCare: outcome.code === 'server_error', apiMessage: outcome.apiMessage, fieldErrors: outcome.fieldErrors, ...described };
    }
    case 'unknown':
      return { tone: 'unknown', retryNeedsCare: true, fieldErrors: [], apiMessage: outcome.apiMessage, ...describeUnknown(outcome, ctx, words) };
    case 'not_sent':
      return { tone: 'failure', retryNeedsCare: false, fieldErrors: [], apiMessage: null, ...describeNotSent(outcome, words) };
  }
}

type Rejected = Extract<ImportOutcome, { kind: 'rejected' }>;
type Told = Pick<OutcomeDescription, 'headline' | 'nextStep'>;

/** "nothing was imported" → "Nothing was imported." */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function statusOf(o: { status: number | null }): string {
  return o.status === null ? '' : ` (${o.status})`;
}

/**
 * What the node-groups endpoint's own answers mean (the reference's 400, 404, 409, 422, 500): the
 * cluster is not a Kubernetes cluster, it does not exist (check the UUID), a group's name is taken.
 */
const NODE_GROUP_REJECTIONS: Partial<Record<string, (o: Rejected, status: string) => Told>> = {
  bad_request: (o, s) =>
    /kubernetes/i.test(o.apiMessage ?? '')
      ? {
          headline: `Simplismart says this cluster is not a Kubernetes cluster${s}, so it takes no node groups.`,
          nextStep: 'Node groups can only be added to a Kubernetes cluster: check that the cluster UUID is the one you meant (`/simplismart clusters` lists this workspace’s), then use *Edit and retry*.',
        }
      : { headline: `Simplismart refused the node groups${s}.`, nextStep: 'Correct what Simplismart names above, then use *Edit and retry*.' },
  not_found: (_o, s) => ({
    headline: `Simplismart says the cluster does not exist${s}.`,
    nextStep:
      'No node group was added. Check the cluster UUID (`/simplismart clusters` lists the clusters imported here; the Simplismart console shows them all), then use *Edit and retry*. If the UUID is right, ask whoever runs this bot to check SIMPLISMART_API_URL.',
  }),
  conflict: (o, s) => {
    const name = /'([^']{1,100})'/.exec(o.apiMessage ?? '')?.[1];
    return {
      headline:
        name === undefined
          ? `Simplismart says one of these node groups already exists in the cluster${s}.`
          : `Simplismart says the cluster already has a node group named “${escapedWithin(name, 100)}”${s}.`,
      nextStep: 'Node group names are unique within a cluster: use *Edit and retry* with another name.',
    };
  },
  validation_failed: (_o, s) => ({
    headline: `Simplismart could not validate the node groups${s}.`,
    nextStep: 'Correct the node groups Simplismart names above, then use *Edit and retry*.',
  }),
  server_error: (_o, s) => ({
    headline: `Simplismart had an internal error${s}.`,
    nextStep:
      'Check the cluster in the Simplismart console first: a request that answered 500 has been known to succeed anyway. If the node groups are not there, use *Edit and retry*; contact Simplismart support if the issue persists.',
  }),
};

const WORDS: Record<RequestKind, OutcomeWords> = {
  import_cluster: {
    noun: 'import',
    nothing: 'nothing was imported',
    checkConsole: 'check the Simplismart console before retrying: the cluster may have been imported. If it is not there, use *Edit and retry*.',
    permission: 'import clusters into this organisation',
    insteadOf: 'importing',
    tooLarge: 'Use *Edit and retry* with fewer node groups or cluster tools, and add the rest after the import.',
    answers: {},
  },
  add_node_groups: {
    noun: 'node-group change',
    nothing: 'no node group was added',
    checkConsole: 'check the cluster in the Simplismart console before retrying: the node groups may have been added. If they are not there, use *Edit and retry*.',
    permission: 'add node groups to this organisation’s clusters',
    insteadOf: 'adding the node groups',
    tooLarge: 'Use *Edit and retry* with fewer node groups, and add the rest in another request.',
    answers: NODE_GROUP_REJECTIONS,
  },
};

function describeRejection(o: Rejected, words: OutcomeWords): Told {
  const status = statusOf(o);
  switch (o.code) {
    case 'bad_request':
      return {
        headline: `Simplismart refused the request${status}.`,
        nextStep: /region/i.test(o.apiMessage ?? '')
          ? 'Add the `region` field for AWS or GCP clusters, then use *Edit and retry*.'
          : 'Correct what Simplismart names above, then use *Edit and retry*.',
      };
    case 'validation_failed':
      return {
        headline: `Simplismart could not validate the cluster${status}.`,
        nextStep: 'Check that all required fields are present and correctly formatted (see Simplismart’s message above), then use *Edit and retry*.',
      };
    case 'server_error':
      return {
        headline: `Simplismart had an internal error${status}.`,
        nextStep:
          'Check the Simplismart console first: an import that answered 500 has been known to succeed anyway. If the cluster is not there, use *Edit and retry*; contact Simplismart support if the issue persists.',
      };
    case 'unauthorized':
      return {
        headline: `Simplismart did not accept the API token${status}: it has expired, was deleted, or is wrong.`,
        nextStep: o.tokenSource === 'fallback'
          ? 'A workspace admin can connect this workspace with a fresh token using `/simplismart connect` (Simplismart → Settings → API keys), or whoever runs the bot can update SIMPLISMART_TOKEN.'
          : 'A workspace admin must reconnect with a fresh token: `/simplismart connect` (Simplismart → Settings → API keys). Then use *Edit and retry*.',
      };
    case 'forbidden':
      return {
        headline: `The API token is not allowed to ${words.permission}${status}.`,
        nextStep:
          'Check that the organisation UUID in the form is the token’s organisation; otherwise ask a Simplismart org admin to grant the token’s user permission to manage infrastructure, or connect a token that has it (`/simplismart connect`).',
      };
    case 'not_found':
      return {
        headline: `Simplismart’s API has no import endpoint at the configured address${status}.`,
        nextStep: 'Nothing was imported. Ask whoever runs this bot to check SIMPLISMART_API_URL (default https://api.app.simplismart.ai).',
      };
    case 'conflict':
      return {
        headline: `Simplismart says this cluster already exists${status}.`,
        nextStep: 'Find it in the Simplismart console, or use *Edit and retry* with another name and slug.',
      };
    case 'too_large':
      return {
        headline: `The request was too large for Simplismart${status}.`,
        nextStep: words.tooLarge,
      };
    case 'rate_limited':
      return {
        headline: `Simplismart is limiting how fast requests may arrive${status}; it did not process this one.`,
        nextStep: `${sentence(words.nothing)} Wait a minute, then use *Edit and retry*.`,
      };
    case 'unavailable':
      return {
        headline: `Simplismart is temporarily unavailable${status}; it did not process the request.`,
        nextStep: `${sentence(words.nothing)} Try again in a few minutes with *Edit and retry*; check status.simplismart.ai if it persists.`,
      };
    case 'unexpected_redirect':
      return {
        headline: `Simplismart’s API answered with a redirect${status} instead of ${words.insteadOf}.`,
        nextStep: `${sentence(words.nothing)} Ask whoever runs this bot to check SIMPLISMART_API_URL: it probably points at an old address.`,
      };
    default:
      return {
        headline: `Simplismart refused the ${words.noun}${status}.`,
        nextStep: 'Correct what Simplismart names above, then use *Edit and retry*.',
      };
  }
}

type Unknown = Extract<ImportOutcome, { kind: 'unknown' }>;

function describeUnknown(o: Unknown, ctx: OutcomeContext, words: OutcomeWords): Told {
  const seconds = Math.round(ctx.timeoutMs / 100) / 10;
  const CHECK_CONSOLE = `Outcome unknown — ${words.checkConsole}`;
  switch (o.code) {
    case 'timeout':
      return { headline: `Simplismart did not answer within ${seconds} s.`, nextStep: CHECK_CONSOLE };
    case 'connection_lost':
      return { headline: 'The connection to Simplismart broke after the request was sent.', nextStep: CHECK_CONSOLE };
    case 'bad_gateway':
    case 'gateway_timeout':
    case 'server_error_unknown':
      return {
        headline: `A gateway in front of Simplismart answered ${o.status ?? 'an error'} instead of Simplismart itself.`,
        nextStep: CHECK_CONSOLE,
      };
    case 'answer_too_large':
      // The status says it went through, but nothing in an answer that size was read to say what happened.
      return {
        headline: `Simplismart answered${statusOf(o)}, but its answer was larger than ${ANSWER_LIMIT_WORDS} (far more than any answer it documents), so the bot stopped reading it and does not know what it said.`,
        nextStep: CHECK_CONSOLE,
      };
    case 'interrupted':
      // Recorded by versions before import leases; kept so that their history still reads right.
      return { headline: `The bot stopped while this ${words.noun} was being sent.`, nextStep: CHECK_CONSOLE };
    case 'owner_stopped':
      return {
        headline:
          `The bot stopped before it saved how this ${words.noun} ended: it was waiting for Simplismart’s answer, or holding an answer its database had not taken yet.`,
        nextStep: `If Simplismart’s answer is told above in this thread, that is the outcome. Otherwise ${words.checkConsole}`,
      };
    default:
      return { headline: `The ${words.noun} ended in an unexpected way.`, nextStep: CHECK_CONSOLE };
  }
}

/** Told right after an outcome the bot's database has not taken yet. */
export const SAVING_DELAYED_LINE =
  ':floppy_disk: Saving is delayed: the bot’s database isn’t answering, so this outcome is not in the request’s history yet. The bot keeps it and saves it as soon as the database is back; nothing is sent to Simplismart again.';

/** Told when that outcome is finally saved. */
export const SAVED_AFTER_DELAY_LINE = ':floppy_disk: Saved: the outcome above is now in the request’s history.';

type NotSent = Extract<ImportOutcome, { kind: 'not_sent' }>;

function describeNotSent(o: NotSent, words: OutcomeWords): Told {
  switch (o.code) {
    case 'not_connected':
      return {
        headline: 'This workspace has no Simplismart token any more, so nothing was sent.',
        nextStep: 'A workspace admin must run `/simplismart connect`; then use *Edit and retry*.',
      };
    case 'token_undecryptable':
      return {
        headline: 'The workspace’s stored token cannot be decrypted (the bot’s ENCRYPTION_KEY changed), so nothing was sent.',
        nextStep: 'A workspace admin must run `/simplismart connect` again; then use *Edit and retry*.',
      };
    default:
      return {
        headline: `Could not reach Simplismart (${o.detail}), so nothing was sent and ${words.nothing}.`,
        nextStep: 'Try again in a few minutes with *Edit and retry*. If it persists, ask whoever runs this bot to check its network access and SIMPLISMART_API_URL.',
      };
  }
}

// How each way an import can end is told to people: what happened, the API's own words, and the
// next step (the API document's Solution lines for 400/422/500, and ours for everything else).
import type { ImportOutcome } from '../domain/importRequest.js';

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

const CHECK_CONSOLE =
  'Outcome unknown — check the Simplismart console before retrying: the cluster may have been imported. If it is not there, use *Edit and retry*.';

export function describeOutcome(outcome: ImportOutcome, ctx: OutcomeContext): OutcomeDescription {
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
    case 'rejected':
      return { tone: 'failure', retryNeedsCare: outcome.code === 'server_error', ...describeRejection(outcome) };
    case 'unknown':
      return { tone: 'unknown', retryNeedsCare: true, fieldErrors: [], apiMessage: outcome.apiMessage, ...describeUnknown(outcome, ctx) };
    case 'not_sent':
      return { tone: 'failure', retryNeedsCare: false, fieldErrors: [], apiMessage: null, ...describeNotSent(outcome) };
  }
}

type Rejected = Extract<ImportOutcome, { kind: 'rejected' }>;

function describeRejection(o: Rejected): Pick<OutcomeDescription, 'headline' | 'apiMessage' | 'fieldErrors' | 'nextStep'> {
  const base = { apiMessage: o.apiMessage, fieldErrors: o.fieldErrors };
  const status = o.status === null ? '' : ` (${o.status})`;
  switch (o.code) {
    case 'bad_request':
      return {
        ...base,
        headline: `Simplismart refused the request${status}.`,
        nextStep: /region/i.test(o.apiMessage ?? '')
          ? 'Add the `region` field for AWS or GCP clusters, then use *Edit and retry*.'
          : 'Correct what Simplismart names above, then use *Edit and retry*.',
      };
    case 'validation_failed':
      return {
        ...base,
        headline: `Simplismart could not validate the cluster${status}.`,
        nextStep: 'Check that all required fields are present and correctly formatted (see Simplismart’s message above), then use *Edit and retry*.',
      };
    case 'server_error':
      return {
        ...base,
        headline: `Simplismart had an internal error${status}.`,
        nextStep:
          'Check the Simplismart console first: an import that answered 500 has been known to succeed anyway. If the cluster is not there, use *Edit and retry*; contact Simplismart support if the issue persists.',
      };
    case 'unauthorized':
      return {
        ...base,
        headline: `Simplismart did not accept the API token${status}: it has expired, was deleted, or is wrong.`,
        nextStep: o.tokenSource === 'fallback'
          ? 'A workspace admin can connect this workspace with a fresh token using `/simplismart connect` (Simplismart → Settings → API keys), or whoever runs the bot can update SIMPLISMART_TOKEN.'
          : 'A workspace admin must reconnect with a fresh token: `/simplismart connect` (Simplismart → Settings → API keys). Then use *Edit and retry*.',
      };
    case 'forbidden':
      return {
        ...base,
        headline: `The API token is not allowed to import clusters into this organisation${status}.`,
        nextStep:
          'Check that the organisation UUID in the form is the token’s organisation; otherwise ask a Simplismart org admin to grant the token’s user permission to manage infrastructure, or connect a token that has it (`/simplismart connect`).',
      };
    case 'not_found':
      return {
        ...base,
        headline: `Simplismart’s API has no import endpoint at the configured address${status}.`,
        nextStep: 'Nothing was imported. Ask whoever runs this bot to check SIMPLISMART_API_URL (default https://api.app.simplismart.ai).',
      };
    case 'conflict':
      return {
        ...base,
        headline: `Simplismart says this cluster already exists${status}.`,
        nextStep: 'Find it in the Simplismart console, or use *Edit and retry* with another name and slug.',
      };
    case 'too_large':
      return {
        ...base,
        headline: `The request was too large for Simplismart${status}.`,
        nextStep: 'Use *Edit and retry* with fewer node groups or cluster tools, and add the rest after the import.',
      };
    case 'rate_limited':
      return {
        ...base,
        headline: `Simplismart is limiting how fast requests may arrive${status}; it did not process this one.`,
        nextStep: 'Nothing was imported. Wait a minute, then use *Edit and retry*.',
      };
    case 'unavailable':
      return {
        ...base,
        headline: `Simplismart is temporarily unavailable${status}; it did not process the request.`,
        nextStep: 'Nothing was imported. Try again in a few minutes with *Edit and retry*; check status.simplismart.ai if it persists.',
      };
    case 'unexpected_redirect':
      return {
        ...base,
        headline: `Simplismart’s API answered with a redirect${status} instead of importing.`,
        nextStep: 'Nothing was imported. Ask whoever runs this bot to check SIMPLISMART_API_URL: it probably points at an old address.',
      };
    default:
      return {
        ...base,
        headline: `Simplismart refused the import${status}.`,
        nextStep: 'Correct what Simplismart names above, then use *Edit and retry*.',
      };
  }
}

type Unknown = Extract<ImportOutcome, { kind: 'unknown' }>;

function describeUnknown(o: Unknown, ctx: OutcomeContext): Pick<OutcomeDescription, 'headline' | 'nextStep'> {
  const seconds = Math.round(ctx.timeoutMs / 100) / 10;
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
    case 'interrupted':
      // Recorded by versions before import leases; kept so that their history still reads right.
      return { headline: 'The bot stopped while this import was being sent.', nextStep: CHECK_CONSOLE };
    case 'owner_stopped':
      return {
        headline:
          'The bot stopped before it saved how this import ended: it was waiting for Simplismart’s answer, or holding an answer its database had not taken yet.',
        nextStep:
          'If Simplismart’s answer is told above in this thread, that is the outcome. Otherwise check the Simplismart console before retrying: the cluster may have been imported. If it is not there, use *Edit and retry*.',
      };
    default:
      return { headline: 'The import ended in an unexpected way.', nextStep: CHECK_CONSOLE };
  }
}

/** Told right after an outcome the bot's database has not taken yet. */
export const SAVING_DELAYED_LINE =
  ':floppy_disk: Saving is delayed: the bot’s database isn’t answering, so this outcome is not in the request’s history yet. The bot keeps it and saves it as soon as the database is back; nothing is sent to Simplismart again.';

/** Told when that outcome is finally saved. */
export const SAVED_AFTER_DELAY_LINE = ':floppy_disk: Saved: the outcome above is now in the request’s history.';

type NotSent = Extract<ImportOutcome, { kind: 'not_sent' }>;

function describeNotSent(o: NotSent): Pick<OutcomeDescription, 'headline' | 'nextStep'> {
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
        headline: `Could not reach Simplismart (${o.detail}), so nothing was sent and nothing was imported.`,
        nextStep: 'Try again in a few minutes with *Edit and retry*. If it persists, ask whoever runs this bot to check its network access and SIMPLISMART_API_URL.',
      };
  }
}

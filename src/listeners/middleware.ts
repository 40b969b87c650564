// Global middleware: payloads this app never sent (unknown buttons, forms, commands) get an ack and
// an explanation instead of a 3-second timeout; and any listener failure is logged with a reference
// that the person who clicked is given, along with what to do.
import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { isAppError, StoreUnavailableError } from '../errors.js';
import type { Services } from '../services/index.js';
import { respondVia } from '../services/slackPoster.js';
import { message, storeUnavailableMessage, unexpectedErrorMessage } from '../views/commandReplies.js';
import type { SlackMessage } from '../views/importMessages.js';
import { ACTION, CALLBACK } from '../views/ids.js';

export const COMMAND = '/simplismart';

const KNOWN_ACTIONS = new Set<string>(Object.values(ACTION));
const KNOWN_CALLBACKS = new Set<string>([CALLBACK.importModal, CALLBACK.connectModal, CALLBACK.policyModal, CALLBACK.rejectModal]);

interface PayloadShape {
  type?: string;
  command?: string;
  actions?: Array<{ action_id?: string }>;
  action_id?: string;
  view?: { callback_id?: string; id?: string };
  user?: { id?: string };
  user_id?: string;
  team?: { id?: string } | null;
  team_id?: string;
  response_url?: string;
  callback_id?: string;
}

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** What kind of payload this is and whether this app knows it. */
function classify(body: PayloadShape): { kind: string; known: boolean; id: string | undefined } {
  if (typeof body.command === 'string') return { kind: 'command', known: body.command === COMMAND, id: body.command };
  switch (body.type) {
    case 'block_actions': {
      const id = body.actions?.[0]?.action_id;
      return { kind: 'block_actions', known: id !== undefined && KNOWN_ACTIONS.has(id), id };
    }
    case 'view_submission':
    case 'view_closed': {
      const id = body.view?.callback_id;
      return { kind: body.type, known: id !== undefined && KNOWN_CALLBACKS.has(id), id };
    }
    case 'block_suggestion':
      return { kind: 'block_suggestion', known: body.action_id === ACTION.acceleratorType, id: body.action_id };
    default:
      return { kind: body.type ?? 'unknown', known: false, id: body.callback_id };
  }
}

export function ignoreUnknownPayloads(services: Services): Middleware<AnyMiddlewareArgs> {
  return async (args: Args) => {
    const body = args.body as PayloadShape;
    const { kind, known, id } = classify(body);
    if (known) {
      await args.next();
      return;
    }
    services.logger.warn({ kind, id, teamId: body.team?.id ?? body.team_id }, 'ignored a payload this app does not handle');
    const ack = 'ack' in args ? (args.ack as ((response?: unknown) => Promise<void>) | undefined) : undefined;
    if (ack === undefined) return;
    if (kind === 'command') {
      const help = message(`This app only answers \`${COMMAND}\`. Try \`${COMMAND} help\`.`);
      await ack({ response_type: 'ephemeral', text: help.text, blocks: help.blocks });
      return;
    }
    if (kind === 'block_suggestion') {
      await ack({ options: [] });
      return;
    }
    await ack();
    if (kind === 'block_actions') {
      await tell(body, services, message('That button belongs to a version of this app that no longer exists. Run `/simplismart help` to start again.')).catch(
        () => undefined,
      );
    }
  };
}

export function reportErrorsToPeople(services: Services): Middleware<AnyMiddlewareArgs> {
  return async (args: Args) => {
    try {
      await args.next();
    } catch (error) {
      const body = args.body as PayloadShape;
      const reference = `${isAppError(error) ? error.code : 'error'}-${randomBytes(3).toString('hex')}`;
      const { kind, id } = classify(body);
      services.logger.error(
        { err: error, reference, kind, id, teamId: body.team?.id ?? body.team_id, userId: body.user?.id ?? body.user_id },
        'a listener failed; the person was told',
      );
      const note = error instanceof StoreUnavailableError ? storeUnavailableMessage() : unexpectedErrorMessage(reference);
      await tell(body, services, note).catch((failure: unknown) =>
        services.logger.warn({ err: failure, reference }, 'could not tell the person about the failure either'),
      );
    }
  };
}

/** Ephemeral where the payload allows it (response_url), else a DM. */
async function tell(body: PayloadShape, services: Services, note: SlackMessage): Promise<void> {
  if (body.response_url !== undefined) {
    await respondVia(body.response_url, note);
    return;
  }
  const userId = body.user?.id ?? body.user_id;
  if (userId !== undefined) await services.poster.post(userId, note);
}

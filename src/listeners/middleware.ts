// Global middleware: payloads this app never sent (unknown buttons, forms, commands) get an ack and
// an explanation instead of a 3-second timeout; and any listener failure is logged with a reference
// that the person who clicked is given, along with what to do.
import { randomBytes } from 'node:crypto';
import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { STEP } from '../domain/stepExecution.js';
import { isAppError, StoreUnavailableError } from '../errors.js';
import type { Services } from '../services/index.js';
import { RequestDeniedError } from '../services/requestPolicy.js';
import type { Recipient } from '../services/notifier.js';
import { storeUnavailableMessage, unexpectedErrorMessage } from '../views/commandReplies.js';
import { message, type SlackMessage } from '../views/message.js';
import { plain, section, SLACK_LIMITS } from '../views/blocks.js';
import { ACTION, CALLBACK, EVENT, SHORTCUT } from '../views/ids.js';

export const COMMAND = '/simplismart';

const KNOWN_ACTIONS = new Set<string>(Object.values(ACTION));
const KNOWN_CALLBACKS = new Set<string>(Object.values(CALLBACK));
const KNOWN_SHORTCUTS = new Set<string>(Object.values(SHORTCUT));
const KNOWN_EVENTS = new Set<string>(Object.values(EVENT));
const KNOWN_STEPS = new Set<string>(Object.values(STEP));

interface PayloadShape {
  type?: string;
  command?: string;
  actions?: Array<{ action_id?: string }>;
  action_id?: string;
  view?: { callback_id?: string; id?: string };
  user?: { id?: string };
  user_id?: string;
  response_url?: string;
  callback_id?: string;
  event?: { type?: string; function?: { callback_id?: string } };
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
    case 'shortcut':
      return { kind: 'shortcut', known: body.callback_id !== undefined && KNOWN_SHORTCUTS.has(body.callback_id), id: body.callback_id };
    case 'event_callback': {
      const id = body.event?.type;
      // A Workflow Builder step is known by its callback id (a step since removed from the manifest is not).
      if (id === EVENT.functionExecuted) {
        const step = body.event?.function?.callback_id;
        return { kind: 'event', known: step !== undefined && KNOWN_STEPS.has(step), id: `${id}:${step ?? ''}` };
      }
      return { kind: 'event', known: id !== undefined && KNOWN_EVENTS.has(id), id };
    }
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
    services.logger.warn({ kind, id, teamId: args.context.teamId }, 'ignored a payload this app does not handle');
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
    if (kind === 'view_submission') {
      // A form from a version of this app that no longer exists: say so in the modal instead of closing it silently.
      await ack({ response_action: 'update', view: staleFormView() });
      return;
    }
    await ack();
    if (kind === 'block_actions') {
      await tell(args, services, message('That button belongs to a version of this app that no longer exists. Run `/simplismart help` to start again.')).catch(
        (failure: unknown) => services.logger.warn({ err: failure }, 'could not tell the person their button is stale'),
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
        { err: error, reference, kind, id, teamId: args.context.teamId, userId: body.user?.id ?? body.user_id },
        'a listener failed; the person was told',
      );
      // A request the policy file refused, from an entry point that does not say so itself: its words, not "unexpected".
      const note =
        error instanceof StoreUnavailableError
          ? storeUnavailableMessage(notSavedBy(kind, id))
          : error instanceof RequestDeniedError
            ? message(`:no_entry: ${error.message}`)
            : unexpectedErrorMessage(reference);
      // A listener that failed before its ack would leave Slack waiting (a 404 after 3 s, "trouble
      // connecting" on a modal): ack here, carrying the note where the ack can show it.
      if (await ackWithNote(args, body, kind, note)) return;
      await tell(args, services, note).catch((failure: unknown) =>
        services.logger.warn({ err: failure, reference }, 'could not tell the person about the failure either'),
      );
    }
  };
}

/** What each form that sends a request could not save when it met a store outage. */
const NOT_SAVED: Partial<Record<string, string>> = {
  [CALLBACK.importModal]: 'this import was not saved',
  [CALLBACK.nodeGroupsModal]: 'these node groups were not saved',
};

/** What a form that met a store outage could not save (a command or a button changes nothing). */
function notSavedBy(kind: string, callbackId: string | undefined): string | undefined {
  if (kind !== 'view_submission') return undefined;
  return NOT_SAVED[callbackId ?? ''] ?? 'nothing was saved';
}

/**
 * Acks a payload whose listener failed, unless it was acked already (a second ack is refused by the
 * HTTP receiver, ignored by Socket Mode). True when the ack itself showed `note` to the person: as
 * the ephemeral answer to a command, or inline on the first input of a submitted form (which stays open).
 */
async function ackWithNote(args: Args, body: PayloadShape, kind: string, note: SlackMessage): Promise<boolean> {
  const ack = 'ack' in args ? (args.ack as ((response?: unknown) => Promise<void>) | undefined) : undefined;
  if (ack === undefined) return false;
  let response: unknown;
  let shown = false;
  if (kind === 'command') {
    response = { response_type: 'ephemeral', text: note.text, blocks: note.blocks };
    shown = true;
  } else if (kind === 'view_submission') {
    const blocks = (body.view as { blocks?: Array<{ type?: string; block_id?: string }> } | undefined)?.blocks ?? [];
    const firstInput = blocks.find((b) => b.type === 'input' && typeof b.block_id === 'string')?.block_id;
    if (firstInput !== undefined) {
      response = { response_action: 'errors', errors: { [firstInput]: note.text } };
      shown = true;
    }
  } else if (kind === 'block_suggestion') {
    response = { options: [] };
  }
  try {
    await ack(response);
    return shown;
  } catch {
    // Already acked by the listener before it failed: the note goes by response_url or DM instead.
    return false;
  }
}

function staleFormView(): ModalView {
  return {
    type: 'modal',
    title: plain('Simplismart', SLACK_LIMITS.modalTitle),
    close: plain('Close', SLACK_LIMITS.modalButton),
    blocks: [section(`:hourglass: This form belongs to a version of this app that no longer exists, so nothing was done. Run \`${COMMAND} help\` to start again.`)],
  };
}

/** Whoever sent the payload (any payload kind, known or not), in the workspace it was authorized for. */
function senderOf(args: Args): Recipient | undefined {
  const body = args.body as PayloadShape;
  const userId = body.user?.id ?? body.user_id;
  const teamId = args.context.teamId;
  if (userId === undefined || teamId === undefined) return undefined;
  return { teamId, enterpriseId: args.context.enterpriseId ?? null, userId, responseUrl: body.response_url };
}

async function tell(args: Args, services: Services, note: SlackMessage): Promise<void> {
  const to = senderOf(args);
  if (to !== undefined) await services.notifier.tell(to, note);
}

// HTTP mode's POST /slack/events: refuses what Slack never sends before reading it (a timestamp more
// than five minutes from now either way, a body over the limit) and a signed payload that is not a
// JSON object, then hands the buffered request to Bolt's HTTPReceiver, which verifies the signature and
// acks exactly as it always does. The server around it is ours (server.ts); Bolt's is never started.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { unescape as unescapeQuery } from 'node:querystring';
import { HTTPReceiver, isValidSlackRequest, type App, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import { BodyTooLargeError, readBody } from './body.js';
import { plain, type Route } from './server.js';

export const EVENTS_PATH = '/slack/events';

/** Slack's rule: a request's timestamp is within five minutes of now. Bolt checks only the past. */
const MAX_CLOCK_SKEW_S = 5 * 60;
/** An unsigned request can only be Slack's `ssl_check=1&token=…`, a few dozen bytes. */
const UNSIGNED_BODY_BYTES = 4 * 1024;

export interface SlackEventsOptions {
  signingSecret: string;
  logger: BoltLogger;
  maxBodyBytes: number;
}

/** Bolt's receiver for HTTP mode, fed by our server: `route` is what the server mounts. */
export class SlackEventsReceiver implements Receiver {
  readonly route: Route;
  private readonly bolt: HTTPReceiver;

  constructor(private readonly options: SlackEventsOptions) {
    this.bolt = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: EVENTS_PATH,
      logger: options.logger,
      // Ack first, work after: Slack's 3 seconds are for the ack, not for the import.
      processBeforeResponse: false,
    });
    this.route = { method: 'POST', path: EVENTS_PATH, handle: (req, res) => this.handle(req, res) };
  }

  init(app: App): void {
    this.bolt.init(app);
  }

  /** Nothing to start or stop: the server is not Bolt's. */
  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const signature = singleHeader(req, 'x-slack-signature');
    const timestamp = singleHeader(req, 'x-slack-request-timestamp');
    const signed = signature !== undefined && timestamp !== undefined;
    if (signed) {
      // Wall time, as Slack's signature uses (never the domain's clock, which tests move by hand).
      const skew = Number(timestamp) - Math.floor(Date.now() / 1000);
      if (!(Math.abs(skew) <= MAX_CLOCK_SKEW_S)) {
        this.options.logger.warn(
          `Refused a request whose timestamp is ${Number.isFinite(skew) ? `${Math.abs(skew)} s in the ${skew > 0 ? 'future' : 'past'}` : 'not a number'}: ` +
            'Slack signs within 5 minutes of now (if every request is refused, check this machine’s clock)',
        );
        plain(res, 401, 'stale or future request timestamp', { close: true });
        return;
      }
    }
    let body: Buffer;
    try {
      body = await readBody(req, signed ? this.options.maxBodyBytes : UNSIGNED_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        this.options.logger.warn(`Refused a request body over ${error.limit} bytes`);
        plain(res, 413, `body over ${error.limit} bytes`, { close: true });
      }
      // Otherwise the client went away or timed out: nobody is left to answer.
      return;
    }
    if (signed && !isJsonObjectPayload(req, body) && isValidSlackRequest({
      signingSecret: this.options.signingSecret,
      body: body.toString('utf8'),
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    })) {
      // Bolt would read a property of it outside its own error handling and never answer.
      this.options.logger.warn('Refused a signed request whose payload is not a JSON object');
      plain(res, 400, 'the payload must be a JSON object');
      return;
    }
    // Bolt's own reader returns a request that already carries its body as is.
    Object.assign(req, { rawBody: body });
    this.bolt.requestListener(req, res);
  }
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Whether the JSON Bolt will parse (a form's `payload` field, or else the whole body — Bolt's own
 * choice) can only be an object: it starts with `{`, so it is one or fails to parse, which Bolt answers
 * 400 itself. A slash command's form has no `payload`: Bolt uses its fields, an object.
 */
function isJsonObjectPayload(req: IncomingMessage, body: Buffer): boolean {
  const text = body.toString('utf8');
  const json = req.headers['content-type'] === 'application/x-www-form-urlencoded' ? formPayloadStart(text) : text;
  if (json === undefined) return true;
  return /^\s*\{/.test(json);
}

/** How much of a form's `payload` is decoded to see how it starts: whitespace before the `{` is all that may come first. */
const PAYLOAD_PREFIX_CHARS = 256;

/**
 * The start of the form field `payload` decoded (querystring's rules), or undefined when the form has
 * no single `payload` (none: a slash command; several: querystring gives Bolt an array, which it
 * refuses itself). Only the field's first characters are decoded: a submission's payload is tens of
 * kilobytes that Bolt decodes again, and decoding the whole form twice cost an eighth of a
 * submission's ack.
 */
function formPayloadStart(form: string): string | undefined {
  let found: string | undefined;
  for (let start = 0; start <= form.length; ) {
    let end = form.indexOf('&', start);
    if (end === -1) end = form.length;
    const equals = form.indexOf('=', start);
    const keyEnd = equals === -1 || equals > end ? end : equals;
    const key = form.slice(start, keyEnd);
    if ((key.includes('%') || key.includes('+') ? unescapeQuery(key.replaceAll('+', ' ')) : key) === 'payload') {
      if (found !== undefined) return undefined;
      const value = keyEnd === end ? '' : form.slice(keyEnd + 1, end);
      const prefix = unescapeQuery(value.slice(0, PAYLOAD_PREFIX_CHARS).replaceAll('+', ' '));
      // Only whitespace so far (never Slack's): the whole field decides.
      found = prefix.trim() === '' && value.length > PAYLOAD_PREFIX_CHARS ? unescapeQuery(value.replaceAll('+', ' ')) : prefix;
    }
    start = end + 1;
  }
  return found;
}

// Reading a file a person attached in a modal ("Fill from my nodes"), with the token of the workspace
// Bolt authorized for the payload: files.info first — the file must be that workspace's own, of a
// type the bot reads, and within the cap — then its private URL, streamed through the same cap and
// refused the moment it passes it. The text is handed back and never stored; neither it nor the URL is
// logged (the URL names the file). Every refusal is a sentence for the person, with a code for tests.
import type { WebClient } from '@slack/web-api';
import { AppError } from '../errors.js';
import { readCappedText } from '../simplismart/cappedBody.js';
import { slackErrorCode } from '../slack/errors.js';
import { FILL_FILE_TYPES, megabytes } from '../views/fillFromNodes.js';

export type FileRefusalCode = 'not_found' | 'no_scope' | 'other_workspace' | 'too_large' | 'file_type' | 'unreadable';

export class SlackFileRefusedError extends AppError {
  constructor(
    readonly refusal: FileRefusalCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`slack_file_${refusal}`, message, options);
  }
}

/** A file that passed files.info's checks: where to download it. */
export interface CheckedFile {
  id: string;
  name: string;
  size: number;
  url: string;
}

/** Where Slack serves files (and, in tests or GovSlack, the origin of SLACK_API_URL): the bot token goes nowhere else. */
export function fileOrigins(apiUrl: string | undefined): Set<string> {
  const origins = new Set(['https://files.slack.com', 'https://files.slack-gov.com']);
  if (apiUrl !== undefined) origins.add(new URL(apiUrl).origin);
  return origins;
}

interface FileObject {
  id?: unknown;
  name?: unknown;
  size?: unknown;
  filetype?: unknown;
  user_team?: unknown;
  source_team?: unknown;
  url_private?: unknown;
  url_private_download?: unknown;
}

const READABLE_TYPES = new Set<string>(['json', 'yaml', 'yml', 'text', 'txt', 'javascript']);

/**
 * Asks Slack about file `fileId` with `client` (the workspace `teamId`'s token) and checks it: the
 * workspace's own (a file shared from another workspace is refused), JSON, YAML or text, at most
 * `maxBytes`. Throws SlackFileRefusedError saying what is wrong and what to do.
 */
export async function checkSlackFile(client: WebClient, fileId: string, teamId: string, maxBytes: number): Promise<CheckedFile> {
  let file: FileObject | undefined;
  try {
    file = (await client.files.info({ file: fileId })).file;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'missing_scope' || code === 'not_allowed_token_type') {
      throw new SlackFileRefusedError('no_scope', 'This app may not read files yet (scope `files:read`): a workspace admin must reinstall it. Meanwhile, paste a few nodes in the text box.', { cause: error });
    }
    if (code === 'file_not_found' || code === 'file_deleted' || code === 'not_found') {
      throw new SlackFileRefusedError('not_found', 'Slack says this file is not there for this workspace’s app (deleted, or shared from another workspace). Attach it again, uploaded here.', { cause: error });
    }
    throw error;
  }
  if (file === undefined || typeof file.id !== 'string') throw new SlackFileRefusedError('not_found', 'Slack gave no file for this attachment. Attach it again.');
  const name = typeof file.name === 'string' ? file.name : file.id;
  // Whose the file is: the uploader's workspace (user_team), else the workspace it was shared from.
  const owner = typeof file.user_team === 'string' ? file.user_team : typeof file.source_team === 'string' ? file.source_team : undefined;
  if (owner !== undefined && owner !== teamId) {
    throw new SlackFileRefusedError('other_workspace', 'This file belongs to another workspace: the bot only reads files uploaded in this one. Download it and attach it here.');
  }
  const size = typeof file.size === 'number' ? file.size : Number.NaN;
  if (!Number.isFinite(size) || size > maxBytes) {
    throw new SlackFileRefusedError(
      'too_large',
      `This file is ${Number.isFinite(size) ? megabytes(size) : 'of unknown size'}; the bot reads files up to ${megabytes(maxBytes)}. Leave the images out: \`kubectl get nodes -o json | jq 'del(.items[].status.images, .items[].metadata.managedFields)' > nodes.json\`.`,
    );
  }
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const filetype = typeof file.filetype === 'string' ? file.filetype.toLowerCase() : undefined;
  const readable = (extension !== undefined && (FILL_FILE_TYPES as readonly string[]).includes(extension)) || (filetype !== undefined && READABLE_TYPES.has(filetype));
  if (!readable) {
    throw new SlackFileRefusedError('file_type', `The bot reads JSON, YAML or text files (${FILL_FILE_TYPES.map((t) => `.${t}`).join(', ')}); this one is not. Save what kubectl prints as nodes.json and attach that.`);
  }
  const url = typeof file.url_private_download === 'string' ? file.url_private_download : typeof file.url_private === 'string' ? file.url_private : undefined;
  if (url === undefined) throw new SlackFileRefusedError('unreadable', 'Slack gave no address to read this file from. Attach it again.');
  return { id: file.id, name, size, url };
}

/**
 * The file's text, read from its private URL with `token` (the same workspace's bot token), through
 * `maxBytes` counted as the body streams in, within `timeoutMs`. The token is sent only to Slack's file
 * hosts (`origins`); an answer that is a page (Slack's login page, when the token may not read files)
 * is refused, not parsed.
 */
export async function downloadSlackFile(file: CheckedFile, token: string, o: { maxBytes: number; origins: ReadonlySet<string>; timeoutMs: number }): Promise<string> {
  let url: URL;
  try {
    url = new URL(file.url);
  } catch (error) {
    throw new SlackFileRefusedError('unreadable', 'Slack gave an address for this file that is not one. Attach it again.', { cause: error });
  }
  if (!o.origins.has(url.origin)) throw new SlackFileRefusedError('unreadable', 'Slack gave an address for this file outside Slack’s file hosts; it was not read. Attach it again.');
  const signal = AbortSignal.timeout(o.timeoutMs);
  let response: Response;
  try {
    // Not followed across origins with the token: fetch drops Authorization on a cross-origin redirect.
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  } catch (error) {
    throw new SlackFileRefusedError('unreadable', 'Slack did not hand over the file in time. Try again in a moment.', { cause: error });
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new SlackFileRefusedError(response.status === 404 || response.status === 403 ? 'not_found' : 'unreadable', `Slack answered ${response.status} for this file. Attach it again.`);
  }
  if ((response.headers.get('content-type') ?? '').toLowerCase().includes('text/html')) {
    await response.body?.cancel().catch(() => undefined);
    throw new SlackFileRefusedError('no_scope', 'Slack answered with a web page instead of the file: the app may not read files (scope `files:read`). A workspace admin must reinstall it.');
  }
  try {
    return await readCappedText(response, o.maxBytes, signal, () => new SlackFileRefusedError('too_large', `This file is larger than ${megabytes(o.maxBytes)}, the most the bot reads; it was not read. Leave the images out: \`kubectl get nodes -o json | jq 'del(.items[].status.images, .items[].metadata.managedFields)' > nodes.json\`.`));
  } catch (error) {
    if (error instanceof SlackFileRefusedError) throw error;
    throw new SlackFileRefusedError('unreadable', 'Slack did not hand over the whole file in time. Try again in a moment.', { cause: error });
  }
}

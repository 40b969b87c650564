// Reads every error body shape Simplismart's API is known to answer with into one message plus
// field errors: {"error"}, {"detail": "…"}, {"detail": {field: […]}}, {field: […]}, {"non_field_errors"},
// and bodies that are not JSON at all (gateways, proxies).
import { redactTokens } from '../domain/redact.js';

export interface ApiProblem {
  /** The API's own words, or for a non-JSON body a short description of it; null when there are none. */
  message: string | null;
  fieldErrors: Array<{ field: string; messages: string[] }>;
}

const MAX_MESSAGE = 500;

export function describeApiProblem(data: unknown): ApiProblem {
  if (data === undefined || data === null || data === '') return { message: null, fieldErrors: [] };
  if (typeof data === 'string') {
    // A JSON body sent with another content type (ky then hands over text) is still read as JSON.
    const json = parseJsonObject(data);
    return json === undefined ? { message: describeText(data), fieldErrors: [] } : describeApiProblem(json);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const words = messagesOf(data).join(' ');
    return { message: words === '' ? null : clip(words), fieldErrors: [] };
  }
  const body = data as Record<string, unknown>;
  const messages: string[] = [];
  const fieldErrors: ApiProblem['fieldErrors'] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key === 'error' || key === 'message') {
      messages.push(...messagesOf(value));
    } else if (key === 'detail') {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        fieldErrors.push(...fieldErrorsOf(value as Record<string, unknown>));
      } else {
        messages.push(...messagesOf(value));
      }
    } else if (key === 'non_field_errors') {
      messages.push(...messagesOf(value));
    } else {
      const list = messagesOf(value);
      if (list.length > 0) fieldErrors.push({ field: key, messages: list });
    }
  }
  const message = messages.length > 0 ? clip(messages.join(' ')) : null;
  return { message, fieldErrors: fieldErrors.slice(0, 20) };
}

function fieldErrorsOf(record: Record<string, unknown>): ApiProblem['fieldErrors'] {
  return Object.entries(record).flatMap(([field, value]) => {
    const list = messagesOf(value);
    return list.length > 0 ? [{ field, messages: list }] : [];
  });
}

/** Strings found in a value: a string, a list of strings, or nested objects of them (Django-style). */
function messagesOf(value: unknown, depth = 0): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [clip(value.trim())];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (depth > 3 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v) => messagesOf(v, depth + 1)).slice(0, 10);
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    messagesOf(v, depth + 1).map((m) => `${k}: ${m}`),
  );
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A non-JSON body: an HTML page's <title>, or its first line of text, never the whole page. */
function describeText(text: string): string {
  const title = /<title[^>]*>([^<]{1,200})<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
  return clip(`(not JSON) ${plain === '' ? 'an empty page' : plain.slice(0, 200)}`);
}

function clip(text: string): string {
  const safe = redactTokens(text);
  return safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE - 1)}…` : safe;
}

// Simplismart's answers, read through a cap. The body is streamed and counted as it arrives, and the
// read is cancelled — the connection closed, nothing more downloaded — the moment the count passes the
// cap, so an answer costs at most the cap in memory whatever it is: one 2xx answer of 64 MB, read
// whole, once took the process from 113 to 346 MB of RSS, and it kept them. A Content-Length over the
// cap is refused before reading a byte, but is not relied on: it may be absent (chunked) or wrong, and
// counts compressed bytes where the stream gives decompressed ones.
import { SimplismartAnswerTooLargeError } from '../errors.js';

/**
 * The body of `response` as text (UTF-8), if it holds at most `limitBytes` bytes; otherwise throws
 * SimplismartAnswerTooLargeError, having kept none of it. Once `signal` aborts, the read is cancelled
 * and its reason thrown (the caller's deadline for the whole body).
 */
export async function readCappedText(
  response: Response,
  limitBytes: number,
  signal?: AbortSignal,
  /** The error thrown past the cap (another body than Simplismart's: a Slack file). */
  tooLarge: (limitBytes: number, declaredBytes: number | null) => Error = (limit, declared) => new SimplismartAnswerTooLargeError(limit, declared),
): Promise<string> {
  const body = response.body;
  const declared = declaredLength(response.headers);
  if (declared !== null && declared > limitBytes) {
    await body?.cancel().catch(() => undefined);
    throw tooLarge(limitBytes, declared);
  }
  if (body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = body.getReader();
  // Cancelling ends a pending read as if the body had ended; the loop then finds the signal aborted.
  const stop = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', stop, { once: true });
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  let over: Error | undefined;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      received += value.byteLength;
      if (received > limitBytes) {
        over = tooLarge(limitBytes, declared);
        throw over;
      }
      parts.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    // Whatever ended the read, nothing more of this body is wanted: the connection goes with it.
    stop();
    // A read that failed because the deadline cancelled it failed for the deadline.
    if (signal?.aborted === true && error !== over) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** The Content-Length header as a number of bytes; null when absent or not one plain number. */
function declaredLength(headers: Headers): number | null {
  const value = headers.get('content-length')?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

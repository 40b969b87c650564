// Simplismart's answers read through a cap: a body up to the cap is read whole (multi-byte characters
// across chunks included); one past it is refused the moment the count passes it — before a byte when
// Content-Length says so, without trusting Content-Length when it is absent or wrong — its source
// cancelled and nothing more pulled; a deadline cancels the read and is what it throws.
import { AppError, SimplismartAnswerTooLargeError } from '../../src/errors.js';
import { readCappedText } from '../../src/simplismart/cappedBody.js';

const LIMIT = 1024;

interface Seen {
  /** Chunks handed to the reader so far. */
  pulled: number;
  cancelled: boolean;
}

/**
 * A body of `count` chunks of `size` bytes each, made only when the reader asks for one, as a
 * connection delivers them; `seen` says how many were asked for and whether the read was cancelled.
 */
function chunked(size: number, count: number): { stream: ReadableStream<Uint8Array>; seen: Seen } {
  const seen: Seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (seen.pulled === count) {
          controller.close();
          return;
        }
        seen.pulled += 1;
        controller.enqueue(new Uint8Array(size).fill(0x78));
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

/** A body of exactly these chunks. */
function ofChunks(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function refusal(read: Promise<string>): Promise<SimplismartAnswerTooLargeError> {
  const error: unknown = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SimplismartAnswerTooLargeError);
  return error as SimplismartAnswerTooLargeError;
}

describe('within the cap', () => {
  it('a body under the cap is read whole', async () => {
    const { stream, seen } = chunked(100, 3);
    expect(await readCappedText(new Response(stream), LIMIT)).toBe('x'.repeat(300));
    expect(seen).toEqual({ pulled: 3, cancelled: false });
  });

  it('a body of exactly the cap is read whole, chunked or with its Content-Length', async () => {
    const { stream } = chunked(256, 4);
    expect(await readCappedText(new Response(stream), LIMIT)).toBe('x'.repeat(LIMIT));
    const declared = new Response(ofChunks([new Uint8Array(LIMIT).fill(0x79)]), { headers: { 'content-length': String(LIMIT) } });
    expect(await readCappedText(declared, LIMIT)).toBe('y'.repeat(LIMIT));
  });

  it('decodes UTF-8 whose characters are split across chunks', async () => {
    const bytes = new TextEncoder().encode('{"error": "Clúster ☁️ déjà vu"}');
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await readCappedText(new Response(ofChunks(chunks)), LIMIT)).toBe('{"error": "Clúster ☁️ déjà vu"}');
  });

  it('no body (a 204) is the empty text', async () => {
    expect(await readCappedText(new Response(null, { status: 204 }), LIMIT)).toBe('');
  });
});

describe('past the cap', () => {
  it('chunked, with no Content-Length: refused at the chunk that passes the cap, the rest never pulled, the source cancelled', async () => {
    const { stream, seen } = chunked(100, 10_000);
    const error = await refusal(readCappedText(new Response(stream), LIMIT));
    // 10 chunks are 1000 bytes, the 11th passes 1024: nothing after it was asked for.
    expect(seen).toEqual({ pulled: 11, cancelled: true });
    expect(error.code).toBe('simplismart_answer_too_large');
    expect(error).toBeInstanceOf(AppError);
    expect(error.limitBytes).toBe(LIMIT);
    expect(error.declaredBytes).toBeNull();
    // Sizes only: no byte of the body is kept on the error.
    expect(error.message).toBe("Simplismart's answer was larger than 1024 bytes; it was not read.");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('xxx');
  });

  it('one byte over, in a single chunk, is over', async () => {
    await refusal(readCappedText(new Response(ofChunks([new Uint8Array(LIMIT + 1)])), LIMIT));
  });

  it('a Content-Length over the cap: refused before a byte is read, the body cancelled', async () => {
    const { stream, seen } = chunked(100, 10_000);
    const error = await refusal(readCappedText(new Response(stream, { headers: { 'content-length': String(5 * 1024 * 1024) } }), LIMIT));
    expect(seen).toEqual({ pulled: 0, cancelled: true });
    expect(error.declaredBytes).toBe(5 * 1024 * 1024);
    expect(error.message).toBe("Simplismart's answer was larger than 1024 bytes (it declared 5242880); it was not read.");
  });

  it('a Content-Length that understates the body is not trusted: the bytes are counted', async () => {
    const { stream, seen } = chunked(100, 10_000);
    const error = await refusal(readCappedText(new Response(stream, { headers: { 'content-length': '10' } }), LIMIT));
    expect(seen).toEqual({ pulled: 11, cancelled: true });
    expect(error.declaredBytes).toBe(10);
  });
});

describe('the deadline', () => {
  it('a body that stops arriving: the signal cancels the read, and its reason is what is thrown', async () => {
    let cancelled = false;
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"uuid": "u-'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const error: unknown = await readCappedText(new Response(stalled), LIMIT, AbortSignal.timeout(50)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(cancelled).toBe(true);
  });

  it('a signal aborted already reads nothing', async () => {
    const { stream, seen } = chunked(100, 3);
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await expect(readCappedText(new Response(stream), LIMIT, controller.signal)).rejects.toThrow('gone');
    expect(seen).toEqual({ pulled: 0, cancelled: true });
  });
});

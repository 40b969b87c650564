// Where log lines go in production: a file descriptor (stdout), written in order off the main thread,
// never allowed to stop the process. A reader that has gone (EPIPE), a full disk or a pipe nobody
// drains costs log lines, never a request, a signal or the exit.
import { write } from 'node:fs';
import type { DestinationStream } from 'pino';

export interface LogSinkOptions {
  /** Default 1 (stdout). */
  fd?: number;
  /** Lines waiting beyond this many characters are dropped (and counted) instead of growing memory. */
  maxQueuedChars?: number;
  /** Told once when the sink stops for good (stderr by default); must not throw. */
  onBroken?: (message: string) => void;
}

const DEFAULT_MAX_QUEUED_CHARS = 8 * 1024 * 1024;
/** One write carries at most this much: about what a pipe or a container log reader takes at once. */
const MAX_WRITE_CHARS = 64 * 1024;
const RETRY_MS = { first: 10, max: 500 };

/**
 * pino's own destination (sonic-boom) flushes synchronously at `process.exit` and retries a broken pipe
 * forever there: SIGTERM then never ends the process. This sink has no synchronous path at all — every
 * write is asynchronous, an error other than "try again" ends the sink (lines are dropped from then on),
 * and the process waits for the logs only as long as it chooses (`drain(ms)`) before exiting.
 */
export class LogSink implements DestinationStream {
  private readonly fd: number;
  private readonly maxQueuedChars: number;
  private readonly onBroken: (message: string) => void;
  private queue: string[] = [];
  private queuedChars = 0;
  /** Bytes of the write in progress not yet accepted by the fd (a partial write leaves some). */
  private pending: Buffer | undefined;
  private writing = false;
  private retryMs = RETRY_MS.first;
  private broken = false;
  private dropped = 0;
  private readonly drainWaiters = new Set<() => void>();

  constructor(options: LogSinkOptions = {}) {
    this.fd = options.fd ?? 1;
    this.maxQueuedChars = options.maxQueuedChars ?? DEFAULT_MAX_QUEUED_CHARS;
    this.onBroken = options.onBroken ?? writeToStderr;
  }

  write(line: string): boolean {
    if (this.broken) return true;
    if (this.queuedChars + line.length > this.maxQueuedChars) {
      this.dropped += 1;
      return false;
    }
    this.queue.push(line);
    this.queuedChars += line.length;
    if (!this.writing) this.writeNext();
    return true;
  }

  /** pino's `logger.flush(cb)`: calls back once everything written so far is out (or can never be). */
  flush(callback?: (error?: Error) => void): void {
    void this.drain(Number.POSITIVE_INFINITY).then(() => callback?.());
  }

  /** Resolves when every line so far is written, the sink is broken, or `ms` have passed — whichever is first. */
  drain(ms: number): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.drainWaiters.delete(done);
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.drainWaiters.add(done);
    });
  }

  private idle(): boolean {
    return this.broken || (!this.writing && this.queue.length === 0);
  }

  private writeNext(): void {
    if (this.pending === undefined) {
      if (this.dropped > 0) this.queueDroppedNotice();
      if (this.queue.length === 0) {
        this.writing = false;
        for (const done of [...this.drainWaiters]) done();
        return;
      }
      let chunk = '';
      while (this.queue.length > 0 && (chunk === '' || chunk.length + this.queue[0]!.length <= MAX_WRITE_CHARS)) {
        const line = this.queue.shift()!;
        this.queuedChars -= line.length;
        chunk += line;
      }
      this.pending = Buffer.from(chunk, 'utf8');
    }
    this.writing = true;
    const buffer = this.pending;
    write(this.fd, buffer, 0, buffer.length, null, (error, written) => {
      if (error !== null) {
        this.failed(error);
        return;
      }
      this.retryMs = RETRY_MS.first;
      this.pending = written < buffer.length ? buffer.subarray(written) : undefined;
      this.writeNext();
    });
  }

  private failed(error: NodeJS.ErrnoException): void {
    if (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK' || error.code === 'EINTR') {
      // A non-blocking pipe that is full: try again shortly; the queue's bound protects memory meanwhile.
      setTimeout(() => this.writeNext(), this.retryMs).unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MS.max);
      return;
    }
    this.broken = true;
    this.writing = false;
    this.queue = [];
    this.queuedChars = 0;
    this.pending = undefined;
    for (const done of [...this.drainWaiters]) done();
    try {
      this.onBroken(`simplismart-slack: log output (fd ${this.fd}) failed with ${error.code ?? error.message}; log lines are dropped from now on\n`);
    } catch {
      // Nowhere left to say it.
    }
  }

  private queueDroppedNotice(): void {
    const count = this.dropped;
    this.dropped = 0;
    const line = JSON.stringify({ level: 40, time: Date.now(), service: 'simplismart-slack', msg: `${count} log lines were dropped: the log output was not keeping up` });
    this.queue.unshift(`${line}\n`);
    this.queuedChars += line.length + 1;
  }
}

function writeToStderr(message: string): void {
  // Asynchronous, errors ignored: stderr may be the same dead pipe.
  write(2, message, () => undefined);
}

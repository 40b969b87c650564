// The production log sink on real file descriptors: lines arrive whole and in order; a descriptor that
// fails ends the sink quietly (told once) instead of throwing or retrying; a pipe nobody reads bounds
// memory by dropping lines, and says how many once it is read again.
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogSink } from '../../src/process/logSink.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ss-logsink-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('lines reach the file whole and in order; drain resolves once they are out', async () => {
  const path = join(dir, 'out.log');
  const fd = openSync(path, 'w');
  try {
    const sink = new LogSink({ fd });
    const lines = Array.from({ length: 2000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 97)}"}\n`);
    for (const line of lines) sink.write(line);
    await sink.drain(5000);
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
  } finally {
    closeSync(fd);
  }
});

test('a descriptor that fails ends the sink: told once, later lines dropped without a throw, drain at once', async () => {
  const fd = openSync(join(dir, 'gone.log'), 'w');
  closeSync(fd); // writes now fail with EBADF, as a dead pipe fails with EPIPE
  const told: string[] = [];
  const sink = new LogSink({ fd, onBroken: (message) => told.push(message) });
  sink.write('first\n');
  await sink.drain(5000);
  expect(told).toHaveLength(1);
  expect(told[0]).toMatch(/EBADF.*dropped/);
  for (let i = 0; i < 100; i += 1) expect(() => sink.write(`line ${i}\n`)).not.toThrow();
  const started = Date.now();
  await sink.drain(60_000);
  expect(Date.now() - started).toBeLessThan(1000); // nothing left to wait for
  expect(told).toHaveLength(1);
});

test('a pipe nobody reads: memory stays bounded (lines dropped), drain gives up on time, and reading resumes with a count of what was lost', async () => {
  const fifo = join(dir, 'pipe');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  // Read-write and non-blocking: full means EAGAIN, the way a container runtime's pipe behaves.
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  try {
    const sink = new LogSink({ fd, maxQueuedChars: 64 * 1024, onBroken: () => undefined });
    const line = `${'y'.repeat(1023)}\n`;
    let refused = 0;
    for (let i = 0; i < 1024; i += 1) if (!sink.write(line)) refused += 1; // 1 MB into a 64 KB pipe
    expect(refused).toBeGreaterThan(0);
    const started = Date.now();
    await sink.drain(200);
    expect(Date.now() - started).toBeLessThan(2000);

    let read = '';
    let drained = false;
    void sink.drain(Number.POSITIVE_INFINITY).then(() => (drained = true));
    const buffer = Buffer.alloc(64 * 1024);
    const deadline = Date.now() + 5000;
    // Read until the sink has written everything and the pipe is empty: the descriptor is closed only then.
    for (let empty = false; !(drained && empty) && Date.now() < deadline; ) {
      try {
        const n = readSync(fd, buffer);
        read += buffer.subarray(0, n).toString('utf8');
        empty = false;
      } catch {
        empty = true; // EAGAIN: nothing to read now; the sink retries shortly
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(drained).toBe(true);
    expect(read).toMatch(new RegExp(`"msg":"${refused} log lines were dropped`));
  } finally {
    closeSync(fd);
  }
});

// The local Simplismart API for the benchmark, in its own process (so that answering imports does
// not share an event loop with the load generator), plus a small control port for the benchmark.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeSimplismart, type SimplismartBehaviour } from '../test/support/fakeSimplismart.js';

const token = process.env['BENCH_TOKEN'] ?? '';
const org = process.env['BENCH_ORG'] ?? '';
const fake = await startFakeSimplismart({ tokens: { [token]: org } });

const control = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/tokens') {
      // More workspaces' tokens (token → org), for the phases where each workspace connects its own.
      for (const [t, o] of Object.entries(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>)) fake.addToken(t, o);
      res.end('{}');
      return;
    }
    if (req.url === '/behaviour') {
      fake.setBehaviour(JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as SimplismartBehaviour | null);
      res.end('{}');
      return;
    }
    // Names of the clusters whose import was POSTed, one entry per POST.
    res.end(JSON.stringify(fake.importRequests().map((r) => (r.json as { name?: string } | undefined)?.name ?? null)));
  });
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ url: fake.url, control: `http://127.0.0.1:${(control.address() as AddressInfo).port}` })}\n`);
process.on('SIGTERM', () => process.exit(0));

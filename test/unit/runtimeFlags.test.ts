// The container runs the bot with the same V8 heap limits as `npm start` (which the benchmark uses).
import { readFileSync } from 'node:fs';

test('Dockerfile CMD and npm start give node the same flags', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
  const fromStart = pkg.scripts.start.split(/\s+/).filter((w) => w.startsWith('--'));
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
  const fromDocker = (JSON.parse(cmd ?? '[]') as string[]).filter((w) => w.startsWith('--'));
  expect(fromStart.length).toBeGreaterThan(0);
  expect(fromDocker).toEqual(fromStart);
});

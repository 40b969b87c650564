// Listeners stay thin: they reach data only through the services they are handed (no store import, no
// store on Services), and they answer people only through the notifier (no Bolt respond, no raw
// response_url post). Read off the source, so a new listener is held to it too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWorld } from '../services/world.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const LISTENERS = join(ROOT, 'src', 'listeners');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('no listener imports the store, reads services.store, or answers without the notifier', () => {
  const files = sources(LISTENERS);
  expect(files.length).toBeGreaterThan(10);
  const offences = files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const found: string[] = [];
    if (/from '(\.\.\/)+store\//.test(text)) found.push('imports the store');
    if (/services\.store\b/.test(text)) found.push('reads services.store');
    if (/\brespond\(|respondVia|fetch\(/.test(text)) found.push('answers without the notifier');
    if (/\.teamId !== /.test(text)) found.push('checks a record’s workspace itself');
    return found.map((what) => `${relative(ROOT, file)} ${what}`);
  });
  expect(offences).toEqual([]);
});

test('the services handed to listeners carry no store', async () => {
  const world = await startWorld();
  try {
    expect(Object.keys(world.services)).not.toContain('store');
  } finally {
    await world.close();
  }
});

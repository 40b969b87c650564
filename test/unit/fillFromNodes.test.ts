// "Fill from my nodes", its pure parts and its file reader: the pushed modal is one Slack accepts; its
// metadata carries the form under it within 3000 characters (long fields dropped first) and refuses
// anything this bot did not write; a file input's state is read by id; the provenance line is one
// bounded line whatever the file is called; the findings on top keep within the blocks left; and the
// bot token goes to Slack's file hosts only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proposeNodeGroups, type NodeProposal } from '../../src/domain/nodes/proposal.js';
import { downloadSlackFile, fileOrigins, SlackFileRefusedError } from '../../src/services/slackFiles.js';
import { decodeFillMeta, encodeFillMeta, fillFindingBlocks, fillMetaFor, provenanceLine, renderFillModal } from '../../src/views/fillFromNodes.js';
import { ModalState } from '../../src/views/modalState.js';
import { viewProblems } from '../support/blockKitRules.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PARENT = { id: 'V0PARENT01', hash: '1700000000.abcdef12', private_metadata: JSON.stringify({ c: 'C1', s: [0], n: 1 }) };
const EKS = readFileSync(join(process.cwd(), 'test', 'fixtures', 'nodes', 'eks-managed.json'), 'utf8');

function proposal(): NodeProposal {
  const p = proposeNodeGroups([EKS]);
  if (!p.ok) throw new Error(p.message);
  return p;
}

describe('the pushed modal and its metadata', () => {
  test('is a modal Slack accepts, with a file input for JSON, YAML and text and a text box', () => {
    const meta = fillMetaFor('import', PARENT, { name: 'Fleet', provider: 'aws' })!;
    const view = renderFillModal(meta);
    expect(viewProblems(view)).toEqual([]);
    expect(JSON.stringify(view)).toContain('"type":"file_input"');
    expect(decodeFillMeta(view.private_metadata)).toEqual(meta);
  });

  test('carries the form within 3000 characters, the long fields dropped first, and the short ones kept', () => {
    const fields = { name: 'Fleet', region: 'us-west-2', clusterNodeConfig: 'x'.repeat(2500), clusterTools: 'y'.repeat(2500), avatarUrl: `https://e.example/${'a'.repeat(900)}` };
    const meta = fillMetaFor('import', PARENT, fields)!;
    expect(encodeFillMeta(meta).length).toBeLessThanOrEqual(3000);
    expect(meta.f).toMatchObject({ name: 'Fleet', region: 'us-west-2' });
    expect(meta.f['clusterNodeConfig']).toBeUndefined();
    expect(decodeFillMeta(encodeFillMeta(meta))).toEqual(meta);
    // Empty fields do not travel.
    expect(fillMetaFor('nodegroups', PARENT, { clusterId: '', org: 'o' })!.f).toEqual({ org: 'o' });
  });

  test('refuses metadata it did not write', () => {
    for (const raw of [undefined, '', 'not json', '{}', JSON.stringify({ v: 'V1', h: 'h', k: 'other', m: '', f: {} }), 'x'.repeat(3001)]) {
      expect(decodeFillMeta(raw)).toBeUndefined();
    }
  });

  test('a file input’s state is read by file id; anything else in it is ignored', () => {
    const state = new ModalState({
      fill_files: { value: { type: 'file_input', files: [{ id: 'F0ABC123', name: 'nodes.json' }, { id: '../etc/passwd', name: 'x' }, { id: 7, name: 'y' }, null as never] } },
    });
    expect(state.files('fill_files')).toEqual([{ id: 'F0ABC123', name: 'nodes.json' }]);
    expect(new ModalState({}).files('fill_files')).toEqual([]);
  });
});

describe('what the filled form shows', () => {
  test('the provenance is one line within 300 characters, whatever the file is called', () => {
    const line = provenanceLine(proposal(), [`evil\n*bold* <!channel> ${'n'.repeat(400)}.json`], true);
    expect(line.length).toBeLessThanOrEqual(300);
    expect(line).not.toContain('\n');
    expect(provenanceLine(proposal(), ['nodes.json'], false)).toBe('Node groups proposed from 6 nodes of the file nodes.json (kubectl-json) with “Fill from my nodes”.');
  });

  test('the findings keep within the blocks left, and say how many did not fit', () => {
    const p = proposal();
    expect(fillFindingBlocks(p, 0)).toEqual([]);
    const few = fillFindingBlocks(p, 3);
    expect(few.length).toBeLessThanOrEqual(3);
    expect(JSON.stringify(few.at(-1))).toMatch(/more findings? did not fit here/);
    expect(JSON.stringify(fillFindingBlocks(p, 100))).toContain('kubectl label nodes');
  });
});

describe('reading a file from its private URL', () => {
  test('sends the token to Slack’s file hosts only: an address elsewhere is refused before any request', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests += 1;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files-pri/T1-F1/nodes.json`;
    try {
      const refused = downloadSlackFile({ id: 'F1', name: 'nodes.json', size: 2, url }, 'xoxb-secret', { maxBytes: 1000, origins: fileOrigins(undefined), timeoutMs: 1000 });
      await expect(refused).rejects.toBeInstanceOf(SlackFileRefusedError);
      await expect(refused).rejects.toMatchObject({ refusal: 'unreadable' });
      expect(requests).toBe(0);
      // The same address is read when it is where the configured Slack API lives (tests, GovSlack).
      await expect(downloadSlackFile({ id: 'F1', name: 'nodes.json', size: 2, url }, 'xoxb-secret', { maxBytes: 1000, origins: fileOrigins(`${new URL(url).origin}/api/`), timeoutMs: 1000 })).resolves.toBe('{}');
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });

  test('an HTML page instead of the file (a token that may not read files) is refused, not parsed', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>Sign in to Slack</html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(downloadSlackFile({ id: 'F1', name: 'n.json', size: 10, url: `${origin}/files-pri/T1-F1/n.json` }, 'xoxb-t', { maxBytes: 1000, origins: new Set([origin]), timeoutMs: 1000 })).rejects.toMatchObject({ refusal: 'no_scope' });
    } finally {
      server.close();
    }
  });
});

// The benchmark's peer: the plainest Bolt app that does what the bot's first step does — ack
// `/simplismart` and open a one-field modal — and acks any view submission. Nothing else.
import { startBoltPeer } from './boltPeer.js';

await startBoltPeer(() => ({
  type: 'modal',
  callback_id: 'peer',
  title: { type: 'plain_text', text: 'Import a cluster' },
  submit: { type: 'plain_text', text: 'Import' },
  blocks: [{ type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'value' } }],
}));

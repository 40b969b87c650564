// The benchmark's second peer: a bare Bolt app that opens the bot's own import form. It acks
// `/simplismart` and opens what the bot opens for `/simplismart import` in a connected workspace —
// renderImportModal of a new form with the connection's org, hosted zone and secret — the way any Bolt
// app would (client.views.open with the view object), and nothing else: no store, no settings, no
// policy, no pre-fill. Against the first peer (a one-field modal) the bot pays for its larger form;
// against this one, only for what it does besides rendering the form.
import { emptyForm } from '../src/domain/importForm.js';
import { renderImportModal } from '../src/views/importModal.js';
import { metaFor } from '../src/views/importModalMeta.js';
import { HOSTED_ZONE, ORG, SECRET_ID } from '../test/support/fixtures.js';
import { startBoltPeer } from './boltPeer.js';

await startBoltPeer((command) => {
  const form = { ...emptyForm(), org: ORG, hostedZone: HOSTED_ZONE, secretId: SECRET_ID };
  return renderImportModal(form, metaFor(form, command.channel_id));
});

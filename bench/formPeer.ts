// The benchmark's second peer: a bare Bolt app that opens the bot's own import form. It acks
// `/simplismart` and opens what the bot opens for `/simplismart import` in a connected workspace —
// renderImportModal of a new form with the connection's org, hosted zone and secret — the way any Bolt
// app would (client.views.open with the view object), and nothing else: no store, no settings, no
// policy, no pre-fill. Against the first peer (a one-field modal) the bot pays for its larger form;
// against this one, only for what it does besides rendering the form.
import { App, LogLevel } from '@slack/bolt';
import { emptyForm } from '../src/domain/importForm.js';
import { renderImportModal } from '../src/views/importModal.js';
import { metaFor } from '../src/views/importModalMeta.js';
import { HOSTED_ZONE, ORG, SECRET_ID } from '../test/support/fixtures.js';

const port = Number(process.env['PORT'] ?? 3100);
const app = new App({
  token: process.env['SLACK_BOT_TOKEN'] ?? '',
  signingSecret: process.env['SLACK_SIGNING_SECRET'] ?? '',
  clientOptions: { slackApiUrl: process.env['SLACK_API_URL'] ?? '' },
  logLevel: LogLevel.ERROR,
  customRoutes: [
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200);
        res.end('ok');
      },
    },
  ],
});

app.command('/simplismart', async ({ ack, client, body }) => {
  await ack();
  const form = { ...emptyForm(), org: ORG, hostedZone: HOSTED_ZONE, secretId: SECRET_ID };
  await client.views.open({ trigger_id: body.trigger_id, view: renderImportModal(form, metaFor(form, body.channel_id)) });
});

app.view(/.*/, async ({ ack }) => {
  await ack();
});

await app.start({ port, host: '127.0.0.1' });

// Exit normally on SIGTERM (so that diagnostics such as --cpu-prof are written), as the bot does.
process.on('SIGTERM', () => process.exit(0));

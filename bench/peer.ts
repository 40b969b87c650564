// The benchmark's peer: the plainest Bolt app that does what the bot's first step does — ack
// `/simplismart` and open a one-field modal — and acks any view submission. Nothing else.
import { App, LogLevel } from '@slack/bolt';

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
  await client.views.open({
    trigger_id: body.trigger_id,
    view: {
      type: 'modal',
      callback_id: 'peer',
      title: { type: 'plain_text', text: 'Import a cluster' },
      submit: { type: 'plain_text', text: 'Import' },
      blocks: [{ type: 'input', block_id: 'name', label: { type: 'plain_text', text: 'Name' }, element: { type: 'plain_text_input', action_id: 'value' } }],
    },
  });
});

app.view(/.*/, async ({ ack }) => {
  await ack();
});

await app.start({ port, host: '127.0.0.1' });

// Exit normally on SIGTERM (so that diagnostics such as --cpu-prof are written), as the bot does.
process.on('SIGTERM', () => process.exit(0));

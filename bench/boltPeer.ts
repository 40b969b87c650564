// What both of the benchmark's peers are: the plainest Bolt app on PORT (HTTP mode, /readyz for the
// bench to wait on), that acks `/simplismart` and opens the modal `viewFor` builds, and acks any view
// submission. Nothing else. Exits normally on SIGTERM (so that diagnostics such as --cpu-prof are
// written), as the bot does.
import { App, LogLevel, type SlashCommand } from '@slack/bolt';
import type { ModalView } from '@slack/types';

export async function startBoltPeer(viewFor: (command: SlashCommand) => ModalView): Promise<void> {
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
    await client.views.open({ trigger_id: body.trigger_id, view: viewFor(body) });
  });

  app.view(/.*/, async ({ ack }) => {
    await ack();
  });

  await app.start({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => process.exit(0));
}

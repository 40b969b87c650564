// Installing the app in a workspace, in both modes on the bot's one HTTP server: GET /slack/install
// (the install page; its link's state is also set as a cookie) and GET /slack/oauth_redirect (where Slack
// sends the browser back: the state and cookie checked, the code exchanged through oauth.v2.access, the
// installation stored), both handled by @slack/oauth's InstallProvider.
import type { InstallProvider } from '@slack/oauth';
import type { Logger } from '../process/logger.js';
import { installedPage, installFailedPage } from '../views/installPages.js';
import type { Route } from './server.js';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export function installRoutes(installer: InstallProvider, logger: Logger): Route[] {
  return [
    { method: 'GET', path: INSTALL_PATH, handle: (req, res) => installer.handleInstallPath(req, res) },
    {
      method: 'GET',
      path: REDIRECT_PATH,
      handle: (req, res) =>
        installer.handleCallback(req, res, {
          success: (installation, _options, _req, response) => {
            logger.info(
              { teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, orgWide: installation.isEnterpriseInstall === true, by: installation.user.id },
              'the app was installed',
            );
            response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
            response.end(
              installedPage({
                teamId: installation.team?.id,
                teamName: installation.team?.name,
                enterpriseName: installation.enterprise?.name,
                isEnterpriseInstall: installation.isEnterpriseInstall === true,
                appId: installation.appId,
                enterpriseUrl: installation.enterpriseUrl,
              }),
            );
          },
          failure: (error, _options, _req, response) => {
            logger.warn({ err: error, code: error.code }, 'an install did not go through');
            const { status, html } = installFailedPage(error.code);
            response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
            response.end(html);
          },
        }),
    },
  ];
}

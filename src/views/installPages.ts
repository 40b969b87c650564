// The web pages of installing the app in a workspace: the install page (one "Add to Slack" link), what
// the browser shows when Slack sends it back (installed, and what to do next), and why an install did
// not go through. Plain HTML, every value escaped; nothing secret is ever on them.

/** Whoever installed, and where, as the success page names them. */
export interface InstalledWhere {
  teamId: string | undefined;
  teamName: string | undefined;
  enterpriseName: string | undefined;
  isEnterpriseInstall: boolean;
  appId: string | undefined;
  enterpriseUrl: string | undefined;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}a.button{display:inline-block;padding:.6rem 1rem;border-radius:.4rem;background:#4a154b;color:#fff;text-decoration:none}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** GET /slack/install: the one link to Slack's authorize page (its state is also in a cookie for this browser). */
export function installPage(authorizeUrl: string): string {
  return page(
    'Install Simplismart in Slack',
    `<h1>Simplismart for Slack</h1>
<p>Import your Kubernetes clusters into Simplismart from Slack. Installing asks Slack for the bot permissions listed on the next page.</p>
<p><a class="button" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
<p><small>The link works once, for ten minutes, in this browser.</small></p>`,
  );
}

/** Slack sent the browser back and the workspace's bot token is stored: where to go next. */
export function installedPage(where: InstalledWhere): string {
  const name = where.isEnterpriseInstall ? (where.enterpriseName ?? 'your organisation') : (where.teamName ?? 'your workspace');
  const open =
    !where.isEnterpriseInstall && where.teamId !== undefined && where.appId !== undefined
      ? `slack://app?team=${encodeURIComponent(where.teamId)}&id=${encodeURIComponent(where.appId)}`
      : where.enterpriseUrl !== undefined && where.appId !== undefined
        ? `${where.enterpriseUrl}manage/organization/apps/profile/${encodeURIComponent(where.appId)}/workspaces/add`
        : 'slack://open';
  return page(
    'Simplismart is installed',
    `<h1>Simplismart is installed in ${escapeHtml(name)}</h1>
${where.isEnterpriseInstall ? '<p>An org admin now adds it to the workspaces that should use it.</p>' : ''}
<p>Next, in Slack: a workspace admin runs <code>/simplismart connect</code> (or opens the app’s <b>Home</b> tab and clicks <b>Connect</b>) and pastes a Simplismart API token. Then anyone can import a cluster with <code>/simplismart import</code>.</p>
<p><a class="button" href="${escapeHtml(open)}">Open Slack</a></p>`,
  );
}

/** Why an install did not go through (`code` is @slack/oauth's error code), and what to do. */
export function installFailedPage(code: string): { status: number; html: string } {
  const stale = code === 'slack_oauth_invalid_state' || code === 'slack_oauth_missing_state';
  if (stale) {
    return {
      status: 400,
      html: page(
        'Install link expired',
        `<h1>This install link cannot be used</h1>
<p>It expired, was already used, or was opened in another browser than the one that started it. Nothing was installed. Start again from <a href="/slack/install">the install page</a>.</p>`,
      ),
    };
  }
  if (code === 'slack_oauth_installer_authorization_error') {
    return { status: 400, html: page('Install cancelled', '<h1>The install was cancelled on Slack’s page</h1><p>Nothing was installed. Start again from <a href="/slack/install">the install page</a> whenever you like.</p>') };
  }
  if (code === 'slack_oauth_missing_code') {
    return { status: 400, html: page('Install not finished', '<h1>Slack did not finish the install</h1><p>Nothing was installed. Start again from <a href="/slack/install">the install page</a>.</p>') };
  }
  return {
    status: 500,
    html: page(
      'Install failed',
      `<h1>The install did not go through</h1>
<p>Nothing was installed. Try again from <a href="/slack/install">the install page</a>; if it keeps failing, tell whoever runs this bot (reason: <code>${escapeHtml(code)}</code>, details in its log).</p>`,
    ),
  };
}

// Block Kit handed to the Web API client already serialised. The client walks every object argument
// on every call to build a debug line (whatever the log level) and then serialises it again; a form
// of six node groups makes that the most expensive part of opening it. A JSON string is what the
// Web API receives either way.
import type { KnownBlock, View } from '@slack/types';

/** `view` for views.open / views.update, as the JSON the API accepts. */
export function wireView(view: View): View {
  return JSON.stringify(view) as unknown as View;
}

/** `blocks` for chat.postMessage / chat.update, as the JSON the API accepts. */
export function wireBlocks(blocks: KnownBlock[]): KnownBlock[] {
  return JSON.stringify(blocks) as unknown as KnownBlock[];
}

// A request's thread messages, keyed so that a retried post is never posted twice: a message is claimed
// before it is posted (or a stale claim taken over), recorded once posted, and released when the post
// failed before Slack had it.
import type { RequestThread } from '../domain/importRequest.js';
import type { SqlExecutor } from './sqlDriver.js';
import type { MessageClaim } from './store.js';

export async function claimMessage(db: SqlExecutor, requestId: string, key: string, now: number, staleBefore: number): Promise<MessageClaim> {
  // Each step is a compare-and-set of its own: of two attempts at once, one inserts (or takes over) and the other reads.
  const inserted = await db.run(
    'INSERT INTO request_messages (request_id, message_key, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (request_id, message_key) DO NOTHING',
    [requestId, key, now],
  );
  if (inserted > 0) return { claimed: true, retaken: false };
  const retaken = await db.run(
    'UPDATE request_messages SET claimed_at = $3 WHERE request_id = $1 AND message_key = $2 AND posted IS NULL AND claimed_at < $4',
    [requestId, key, now, staleBefore],
  );
  if (retaken > 0) return { claimed: true, retaken: true };
  const rows = await db.query<{ posted: string | null }>('SELECT posted FROM request_messages WHERE request_id = $1 AND message_key = $2', [requestId, key]);
  const posted = rows[0]?.posted ?? null;
  return { claimed: false, posted: posted === null ? null : (JSON.parse(posted) as RequestThread) };
}

export async function recordMessage(db: SqlExecutor, requestId: string, key: string, ref: RequestThread): Promise<void> {
  const posted = JSON.stringify({ channel: ref.channel, ts: ref.ts, ...(ref.root === undefined ? {} : { root: ref.root }) });
  await db.run('UPDATE request_messages SET posted = $3 WHERE request_id = $1 AND message_key = $2', [requestId, key, posted]);
}

export async function releaseMessage(db: SqlExecutor, requestId: string, key: string): Promise<void> {
  await db.run('DELETE FROM request_messages WHERE request_id = $1 AND message_key = $2 AND posted IS NULL', [requestId, key]);
}

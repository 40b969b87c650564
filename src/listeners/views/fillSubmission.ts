// "Fill from my nodes" submitted: the paste and the attached files read, node groups proposed, the form
// underneath filled (fillForm.ts). What can be wrong is said under the input it concerns
// (`response_action: errors`) while the modal is still open: nothing given, a paste that cannot be
// read, a file of another workspace, too large, or not text — so the ack waits for the reading.
//
// Slack's 3 seconds: files.info is one quick call, but a download of up to 10 MB and its parse may not
// be. The reading (files.info, the download, the parse) runs against a budget (ACK_BUDGET_MS, from the
// payload's arrival): within it, the answer is inline; past it, the
// modal is closed (ack) and the reading finishes in the background — the form is filled when it
// succeeds, and when it fails the person is told in a message only they see (the modal is gone). The
// form is updated after the ack either way: the ack closes the pushed modal, and the update must not
// wait on it.
import { proposeNodeGroups, type NodeInputRefusal, type NodeProposal } from '../../domain/nodes/proposal.js';
import type { Services } from '../../services/index.js';
import { fileClient } from '../../slack/clients.js';
import { checkSlackFile, downloadSlackFile, fileOrigins, SlackFileRefusedError, type CheckedFile } from '../../services/slackFiles.js';
import { decodeFillMeta, FILL_FILE_MAX_BYTES, FILL_MAX_FILES, FILL_TEXT_MAX, fillRefusalNote, provenanceLine, readFillInputs, type FillMeta } from '../../views/fillFromNodes.js';
import { FILL_BLOCK } from '../../views/ids.js';
import { message } from '../../views/message.js';
import { ModalState } from '../../views/modalState.js';
import { existingGroupsOf, filledForm, FormNotFillable, responseUrlOf, updateForm } from '../fillForm.js';
import { tenantOf } from '../tenant.js';
import type { SubmissionArgs } from '../types.js';

/** How long the ack waits for the reading before closing the modal and finishing in the background. */
export const ACK_BUDGET_MS = 2000;
/** The most a download may take (in the background, past the ack budget). */
const DOWNLOAD_TIMEOUT_MS = 20_000;

const WHAT_TO_GIVE = 'Paste a few nodes of `kubectl get nodes --show-labels` (or one node’s `-o json`), or attach `kubectl get nodes -o json > nodes.json`.';

/** The outcome of reading: a proposal, or what is wrong and under which input to say it. */
type Reading = { ok: true; proposal: NodeProposal; provenance: string } | { ok: false; block: string; message: string; what: string };

export async function fillSubmission(args: SubmissionArgs, services: Services): Promise<void> {
  const { ack, view, body, client, context } = args;
  const started = Date.now();
  const errorAt = (block: string, text: string) => ack({ response_action: 'errors', errors: { [block]: text.slice(0, 2000) } });
  const meta = decodeFillMeta(view.private_metadata);
  if (meta === undefined) {
    await errorAt(FILL_BLOCK.text, 'This modal is out of date. Go back, close the form, open it again and use “Fill from my nodes” once more.');
    return;
  }
  const { teamId } = tenantOf(args);
  const state = new ModalState(view.state.values);
  const { text, files } = readFillInputs(state);
  if (text.trim() === '' && files.length === 0) {
    await errorAt(FILL_BLOCK.text, `There is nothing to read. ${WHAT_TO_GIVE}`);
    return;
  }
  if (text.length > FILL_TEXT_MAX) {
    await errorAt(FILL_BLOCK.text, `This box holds ${FILL_TEXT_MAX} characters; for more nodes, attach a file below.`);
    return;
  }
  if (files.length > FILL_MAX_FILES) {
    await errorAt(FILL_BLOCK.files, `Attach at most ${FILL_MAX_FILES} files: a node dump and your cloud’s node-pool listings.`);
    return;
  }
  // The paste alone first (at most 3000 characters: milliseconds): a paste that cannot be read is said under it.
  if (text.trim() !== '') {
    const alone = proposeNodeGroups([text]);
    if (!alone.ok && (files.length === 0 || alone.code !== 'nothing_to_propose')) {
      await errorAt(FILL_BLOCK.text, `${alone.message} ${WHAT_TO_GIVE}`);
      return;
    }
  }
  const token = context.botToken;
  if (token === undefined) throw new Error('no bot token for the workspace that sent this submission');
  // The files checked (files.info), downloaded and read with the paste, against the budget from the payload's arrival.
  const reading = read(meta, text, files, token, teamId, services);
  const left = Math.max(0, ACK_BUDGET_MS - (Date.now() - started));
  const done = await Promise.race([reading, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), left).unref())]);
  if (done !== undefined && !done.ok) {
    await errorAt(done.block, done.message);
    return;
  }
  await ack();
  // Where the command that opened the form ran (ephemeral), else the app's DM with the person.
  const recipient = { teamId, enterpriseId: tenantOf(args).enterpriseId, userId: body.user.id, responseUrl: responseUrlOf(meta) };
  // The reading is under way in this thread: what follows it stays here (services.nearby).
  services.nearby.run(
    'fill a form from nodes',
    async () => {
      const result = done ?? (await reading);
      if (!result.ok) {
        // The modal is closed: the person hears it where only they see it.
        await services.notifier.to(recipient)(message(fillRefusalNote(result.what, { message: `${result.message}` })));
        return;
      }
      let filled;
      try {
        filled = await filledForm(meta, result.proposal, result.provenance, teamId, services);
      } catch (error) {
        if (!(error instanceof FormNotFillable)) throw error;
        await services.notifier.to(recipient)(message('I couldn’t fill that form: it is out of date. Close it, open it again and use “Fill from my nodes” once more.'));
        return;
      }
      if (!(await updateForm(client, meta, filled, services))) {
        await services.notifier.to(recipient)(message('The form changed or was closed while your nodes were read, so it was not filled. Use “Fill from my nodes” again.'));
      }
    },
    { teamId },
  );
}

/**
 * Checks the files (files.info with this workspace's token, by a client that does not log the answer:
 * its workspace, size and type — at once), downloads them, and proposes from them and the paste
 * (leaving out the cluster's own groups). Never rejects with a refusal: it resolves one.
 */
async function read(meta: FillMeta, text: string, attached: ReadonlyArray<{ id: string; name: string }>, token: string, teamId: string, services: Services): Promise<Reading> {
  const quiet = fileClient(services.config, services.logger, token);
  const checks = await Promise.allSettled(attached.map((file) => checkSlackFile(quiet, file.id, teamId, FILL_FILE_MAX_BYTES)));
  const files: CheckedFile[] = [];
  for (const [index, check] of checks.entries()) {
    if (check.status === 'fulfilled') {
      files.push(check.value);
      continue;
    }
    const name = attached[index]?.name ?? 'a file';
    if (!(check.reason instanceof SlackFileRefusedError)) throw check.reason;
    return { ok: false, block: FILL_BLOCK.files, message: `${name}: ${check.reason.message}`, what: name };
  }
  const inputs: string[] = [];
  for (const file of files) {
    try {
      inputs.push(await downloadSlackFile(file, token, { maxBytes: FILL_FILE_MAX_BYTES, origins: fileOrigins(services.config.slack.apiUrl), timeoutMs: DOWNLOAD_TIMEOUT_MS }));
    } catch (error) {
      if (!(error instanceof SlackFileRefusedError)) throw error;
      return { ok: false, block: FILL_BLOCK.files, message: `${file.name}: ${error.message}`, what: file.name };
    }
  }
  const pasted = text.trim() !== '';
  if (pasted) inputs.push(text);
  const proposal = proposeNodeGroups(inputs, await existingGroupsOf(meta, teamId, services));
  if (!proposal.ok) return refusal(proposal, files, pasted);
  return { ok: true, proposal, provenance: provenanceLine(proposal, files.map((f) => f.name), pasted) };
}

function refusal(proposal: NodeInputRefusal, files: readonly CheckedFile[], pasted: boolean): Reading {
  // The domain names the input it is about: a file (in order), else the paste after them.
  const file = proposal.input === undefined ? undefined : files[proposal.input];
  const onPaste = pasted && (proposal.input === files.length || files.length === 0);
  const what = file?.name ?? (onPaste ? 'your paste' : 'what you gave');
  return { ok: false, block: file !== undefined || !onPaste ? FILL_BLOCK.files : FILL_BLOCK.text, message: `${file === undefined ? '' : `${file.name}: `}${proposal.message} ${WHAT_TO_GIVE}`, what };
}

// The work that runs after an ack, as small descriptors of plain data instead of closures: so that it
// can cross to the background thread (postMessage clones them; see src/background/) as well as run in
// this one. Each kind keeps the name, context and priority its closure had in BackgroundWork; the
// descriptor carries what the closure captured (a request row, who decided), never a client or a token:
// the side that runs it finds the workspace's bot token itself.
import type { WebClient } from '@slack/web-api';
import type { ImportRequest } from '../domain/importRequest.js';
import type { Workspace } from '../domain/workspace.js';
import { message } from '../views/message.js';
import type { Approvals } from './approvals.js';
import type { BackgroundPriority, BackgroundWork } from './backgroundWork.js';
import type { AppHome } from './home.js';
import type { ImportRequests } from './importRequests.js';
import type { ImportRunner } from './importRunner.js';
import type { Notifier, Recipient } from './notifier.js';

export type BackgroundJob =
  /** A request just stored: its thread, its card, or (no approval needed) its import. */
  | { job: 'launch'; request: ImportRequest }
  /** An approver's rejection, made after the form closed; they are told the result. */
  | { job: 'reject'; requestId: string; reason: string; approver: Recipient & { enterpriseId: string | null } }
  /** The import of a request approved by `userId`. */
  | { job: 'import'; requestId: string; teamId: string; userId: string | null }
  /** A person changed what their Home shows. */
  | { job: 'homeFor'; workspace: Workspace; userId: string }
  /** A request appeared or moved: the Homes it is on. */
  | { job: 'homeRequest'; request: ImportRequest };

/** Where post-ack work is handed: this thread's BackgroundWork, or the background thread. */
export interface JobSink {
  /** Returns at once; false when it was not queued (the queue is full or stopping: see BackgroundWork.run). */
  submit(job: BackgroundJob): boolean;
}

/** What BackgroundWork logs the job under, which line it waits in, and how soon it starts. */
export function describeJob(job: BackgroundJob): { name: string; context: Record<string, unknown>; priority: BackgroundPriority } {
  switch (job.job) {
    case 'launch':
      return { name: `launch ${job.request.kind} request`, context: { requestId: job.request.id, teamId: job.request.teamId }, priority: 'request' };
    case 'reject':
      // Not in any row until it runs: ahead of imports and refreshes in a backlog.
      return { name: 'reject', context: { requestId: job.requestId, teamId: job.approver.teamId }, priority: 'decision' };
    case 'import':
      return { name: 'import', context: { requestId: job.requestId, teamId: job.teamId }, priority: 'request' };
    case 'homeFor':
      return { name: 'refresh a Home tab', context: { teamId: job.workspace.teamId }, priority: 'refresh' };
    case 'homeRequest':
      return { name: 'refresh the Home tabs a request is on', context: { requestId: job.request.id, teamId: job.request.teamId }, priority: 'refresh' };
  }
}

/** The services a job runs with, in the thread that runs it. */
export interface JobRunners {
  requests: ImportRequests;
  approvals: Approvals;
  runner: ImportRunner;
  notifier: Notifier;
  home: AppHome;
  slackFor: (workspace: Workspace) => Promise<WebClient>;
}

/** What a job does, once it has its slot. */
export async function perform(job: BackgroundJob, on: JobRunners): Promise<void> {
  switch (job.job) {
    case 'launch':
      return on.requests.launch(job.request);
    case 'reject': {
      const { approver } = job;
      const client = await on.slackFor({ teamId: approver.teamId, enterpriseId: approver.enterpriseId });
      const reply = await on.approvals.reject(job.requestId, approver.userId, approver.teamId, job.reason, client);
      await on.notifier.tell(approver, message(reply.text));
      return;
    }
    case 'import':
      await on.runner.run(job.requestId, job.userId);
      return;
    case 'homeFor':
      return on.home.refreshNow(job.workspace, job.userId);
    case 'homeRequest':
      return on.home.refreshPeopleOf(job.request);
  }
}

/** Jobs run in this thread's BackgroundWork (BACKGROUND_THREAD=inline, and inside the background thread). */
export function inlineJobs(background: BackgroundWork, runners: () => JobRunners): JobSink {
  return {
    submit(job) {
      const { name, context, priority } = describeJob(job);
      return background.run(name, () => perform(job, runners()), context, priority);
    },
  };
}

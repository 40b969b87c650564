// The bot's Prometheus series, on a registry of its own (never prom-client's global one: several bots
// in one test process, or a library that registers its own, would collide), with Node's process
// metrics beside them. Recording a sample is a counter or histogram update: nothing on the ack path
// waits for anything. What needs the store (pending approvals) is read when Prometheus scrapes.
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestState } from '../domain/importRequest.js';
import { REQUEST_KINDS, type RequestKind } from '../domain/requestKinds.js';
import type { Logger } from '../process/logger.js';
import { withTimeout } from '../process/withTimeout.js';
import { kindLabel, type SlackParkReason } from './labels.js';
import type { SlackTier } from '../slack/rateLimits.js';

export const METRIC_PREFIX = 'simplismart_slack_';

/** The states a request ends in (outcome_unknown may still turn into succeeded or failed later). */
export const FINAL_STATES: readonly RequestState[] = ['succeeded', 'failed', 'outcome_unknown', 'rejected', 'expired', 'cancelled'];
/** The ways a wait for approval ends. */
export const APPROVAL_DECISIONS: readonly RequestState[] = ['approved', 'rejected', 'expired', 'cancelled'];

/** How long a scrape waits for the store's count of pending approvals before leaving the series out. */
export const SCRAPE_STORE_TIMEOUT_MS = 1000;

export type StoreOperation = 'read' | 'write' | 'health';

/** What /metrics reads when scraped, from the running bot. */
export interface MetricSources {
  /** Background tasks queued or running (BackgroundWork.size). */
  backlog(): number;
  /** Slots background work may use now: BACKGROUND_CONCURRENCY, or 1 while the event loop is saturated. */
  slots(): number;
  /** Requests waiting for approval, in every workspace, by kind. */
  pendingApprovals(): Promise<Partial<Record<RequestKind, number>>>;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export class Metrics {
  readonly registry = new Registry();
  private readonly requestsSubmitted: Counter<'kind' | 'approval'>;
  private readonly requestsFinished: Counter<'kind' | 'state'>;
  private readonly requestDuration: Histogram<'kind' | 'state'>;
  private readonly approvalWait: Histogram<'kind' | 'decision'>;
  private readonly simplismartCalls: Counter<'endpoint' | 'status_class'>;
  private readonly simplismartDuration: Histogram<'endpoint' | 'status_class'>;
  private readonly slackCalls: Counter<'method' | 'result'>;
  private readonly slackDuration: Histogram<'method'>;
  private readonly slackRateLimitedSeconds: Counter<'tier'>;
  private readonly slackPacedSeconds: Counter;
  private readonly slackParkedCalls: Counter<'tier' | 'reason'>;
  private readonly storeErrors: Counter<'operation' | 'error'>;
  private readonly ackDuration: Histogram<'type'>;
  private readonly scrapeErrors: Counter<'source'>;
  private readonly pendingApprovals: Gauge<'kind'>;
  private readonly policyDecisions: Counter<'kind' | 'outcome'>;
  private readonly policyReloadFailures: Counter;
  private readonly policyLoadedAt: Gauge;
  private readonly policyReloadFailing: Gauge;
  private readonly backgroundThreadDeaths: Counter;
  /** Another thread's series, merged into each scrape (the background thread's: src/background/). */
  private others: (() => Promise<Awaited<ReturnType<Registry['getMetricsAsJSON']>>>) | undefined;
  private sources: MetricSources | undefined;
  private logger: Logger | undefined;
  /** The store's count still being read (a slow store is asked once, not once per scrape). */
  private pendingCount: Promise<Partial<Record<RequestKind, number>>> | undefined;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const p = METRIC_PREFIX;
    this.requestsSubmitted = new Counter({
      name: `${p}requests_submitted_total`,
      help: 'Requests submitted (stored), by kind and whether they wait for approval.',
      labelNames: ['kind', 'approval'],
      registers,
    });
    this.requestsFinished = new Counter({
      name: `${p}requests_total`,
      help: 'Requests that reached a final state, by kind and state (an outcome_unknown later settled is counted again under its real state).',
      labelNames: ['kind', 'state'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: `${p}request_duration_seconds`,
      help: 'Time from a request’s submission to its final state (approval included), by kind and state.',
      labelNames: ['kind', 'state'],
      buckets: [1, 5, 15, MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 4 * HOUR, DAY, 3 * DAY, 7 * DAY],
      registers,
    });
    this.approvalWait = new Histogram({
      name: `${p}approval_wait_seconds`,
      help: 'Time a request waited for approval, by kind and how the wait ended (approved, rejected, expired, cancelled).',
      labelNames: ['kind', 'decision'],
      buckets: [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 4 * HOUR, 12 * HOUR, DAY, 3 * DAY, 7 * DAY],
      registers,
    });
    this.simplismartCalls = new Counter({
      name: `${p}simplismart_requests_total`,
      help: 'Calls to the Simplismart API, by endpoint (route template) and status class (2xx, 3xx, 4xx, 5xx, timeout, network).',
      labelNames: ['endpoint', 'status_class'],
      registers,
    });
    this.simplismartDuration = new Histogram({
      name: `${p}simplismart_request_duration_seconds`,
      help: 'Latency of calls to the Simplismart API, by endpoint and status class.',
      labelNames: ['endpoint', 'status_class'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.slackCalls = new Counter({
      name: `${p}slack_api_calls_total`,
      help: 'HTTP attempts at Slack Web API methods (each retry counts), by method and result: ok, Slack’s error code (a known set, else other_error), rate_limited (HTTP 429), http_error, invalid_response, timeout, network.',
      labelNames: ['method', 'result'],
      registers,
    });
    this.slackDuration = new Histogram({
      name: `${p}slack_api_call_duration_seconds`,
      help: 'Latency of HTTP attempts at Slack Web API methods, until the answer’s headers, by method.',
      labelNames: ['method'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers,
    });
    this.slackRateLimitedSeconds = new Counter({
      name: `${p}slack_rate_limited_seconds_total`,
      help: 'Time background Slack calls spent parked (outside any background slot) because Slack answered 429 to their method in their workspace, until its Retry-After, by the method’s rate-limit tier.',
      labelNames: ['tier'],
      registers,
    });
    this.slackPacedSeconds = new Counter({
      name: `${p}slack_paced_seconds_total`,
      help: 'Time background messages spent parked (outside any background slot) waiting for their channel’s turn: at most one message a second per channel.',
      registers,
    });
    this.slackParkedCalls = new Counter({
      name: `${p}slack_parked_calls_total`,
      help: 'Waits of background Slack calls outside any background slot, by the method’s rate-limit tier and reason: rate_limited (Slack answered 429), paced (the channel’s turn), retry (after a failure Slack did not act on, or a call safe to repeat).',
      labelNames: ['tier', 'reason'],
      registers,
    });
    this.storeErrors = new Counter({
      name: `${p}store_errors_total`,
      help: 'Store calls that failed, by operation class (read, write, health) and error (unavailable: the database is unreachable or its file gone; other).',
      labelNames: ['operation', 'error'],
      registers,
    });
    this.ackDuration = new Histogram({
      name: `${p}ack_duration_seconds`,
      help: 'Time from a Slack payload reaching Bolt (signature checked, or the Socket Mode envelope read) to its ack, by payload type; the count is the number of acks.',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
      registers,
    });
    this.scrapeErrors = new Counter({
      name: `${p}scrape_errors_total`,
      help: 'Scrapes that could not read a source in time (the series it feeds is left out of that scrape), by source.',
      labelNames: ['source'],
      registers,
    });
    const backlog: Gauge = new Gauge({
      name: `${p}background_tasks`,
      help: 'Background tasks (imports, thread posts, card updates, Home refreshes) queued or running in this process.',
      registers,
      collect: () => {
        if (this.sources !== undefined) backlog.set(this.sources.backlog());
      },
    });
    const slots: Gauge = new Gauge({
      name: `${p}background_slots`,
      help: 'Background tasks allowed to run at once now: BACKGROUND_CONCURRENCY, or 1 while the event loop is saturated (the queue stepped aside for the acks).',
      registers,
      collect: () => {
        if (this.sources !== undefined) slots.set(this.sources.slots());
      },
    });
    this.pendingApprovals = new Gauge({
      name: `${p}pending_approvals`,
      help: 'Requests waiting for approval in every workspace, by kind (read from the store when scraped: the same on every replica).',
      labelNames: ['kind'],
      registers,
    });
    this.policyDecisions = new Counter({
      name: `${p}policy_decisions_total`,
      help: 'Requests the policy file decided at submission, by kind and outcome (allow, require, deny: denied ones are never stored).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.policyReloadFailures = new Counter({
      name: `${p}policy_reload_failures_total`,
      help: 'Reloads of the policy file (SIGHUP, the file changing) refused for problems: the last good policy stayed in force.',
      registers,
    });
    this.policyLoadedAt = new Gauge({
      name: `${p}policy_last_load_timestamp_seconds`,
      help: 'When the policy file in force was last read successfully (Unix time); 0 without POLICY_FILE.',
      registers,
    });
    this.policyReloadFailing = new Gauge({
      name: `${p}policy_reload_failing`,
      help: '1 while the policy file on disk has problems and the last good policy is kept; 0 otherwise.',
      registers,
    });
    this.backgroundThreadDeaths = new Counter({
      name: `${p}background_thread_deaths_total`,
      help: 'Times the background thread (BACKGROUND_THREAD=worker) ended while the process ran; it is restarted, and the process exits after more than 3 in a minute.',
      registers,
    });
    if (options.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // The thread that parses and acks Slack's requests (this one, where the process metrics are made):
      // its own CPU, apart from the background thread's, which process_cpu_seconds_total adds in.
      let counted = 0;
      const ackingCpu: Counter = new Counter({
        name: `${p}acking_thread_cpu_seconds_total`,
        help: 'CPU time (user + system) of the thread that parses and acks Slack’s requests, in seconds (process.threadCpuUsage).',
        registers,
        collect: () => {
          const { user, system } = process.threadCpuUsage();
          const total = (user + system) / 1e6;
          ackingCpu.inc(Math.max(0, total - counted));
          counted = total;
        },
      });
    }
  }

  /** Merges another thread's series into every scrape (summed where both threads have one). */
  mergeFrom(others: () => Promise<Awaited<ReturnType<Registry['getMetricsAsJSON']>>>): void {
    this.others = others;
  }

  /** The background thread ended while the process ran. */
  backgroundThreadDied(): void {
    this.backgroundThreadDeaths.inc();
  }

  policyDecided(kind: string, outcome: 'allow' | 'require' | 'deny'): void {
    this.policyDecisions.inc({ kind: kindLabel(kind), outcome });
  }

  /** The policy file was read: `ok` it is in force (loaded at `at`, ms), or its problems kept the last good one. */
  policyLoaded(ok: boolean, at: number): void {
    if (ok) this.policyLoadedAt.set(at / 1000);
    else this.policyReloadFailures.inc();
    this.policyReloadFailing.set(ok ? 0 : 1);
  }

  /** Where the scrape-time gauges read from, once the bot's services exist. */
  readFrom(sources: MetricSources, logger: Logger): void {
    this.sources = sources;
    this.logger = logger;
  }

  requestSubmitted(kind: string, needsApproval: boolean): void {
    this.requestsSubmitted.inc({ kind: kindLabel(kind), approval: needsApproval ? 'required' : 'none' });
  }

  /** A request moved to `to` at `at`, `createdAt` being when it was submitted (ms since the epoch). */
  requestMoved(kind: string, to: RequestState, createdAt: number, at: number): void {
    const seconds = Math.max(0, at - createdAt) / 1000;
    const k = kindLabel(kind);
    if (FINAL_STATES.includes(to)) {
      this.requestsFinished.inc({ kind: k, state: to });
      this.requestDuration.observe({ kind: k, state: to }, seconds);
    }
    // Only a pending request can be approved, rejected, expired or cancelled (TRANSITIONS).
    if (APPROVAL_DECISIONS.includes(to)) this.approvalWait.observe({ kind: k, decision: to }, seconds);
  }

  /** `endpoint` is a route template (never a URL with an id in it). */
  simplismartCall(endpoint: string, statusClass: string, seconds: number): void {
    this.simplismartCalls.inc({ endpoint, status_class: statusClass });
    this.simplismartDuration.observe({ endpoint, status_class: statusClass }, seconds);
  }

  /** `method` and `result` come from labels.ts (bounded). `seconds` is undefined when nothing answered. */
  slackCall(method: string, result: string, seconds: number | undefined): void {
    this.slackCalls.inc({ method, result });
    if (seconds !== undefined) this.slackDuration.observe({ method }, seconds);
  }

  /** A background Slack call begins a wait outside its slot (`tier` and `reason` from fixed sets). */
  slackParked(tier: SlackTier, reason: SlackParkReason): void {
    this.slackParkedCalls.inc({ tier, reason });
  }

  /** That wait ended after `seconds`. */
  slackParkedFor(tier: SlackTier, reason: SlackParkReason, seconds: number): void {
    if (reason === 'rate_limited') this.slackRateLimitedSeconds.inc({ tier }, seconds);
    else if (reason === 'paced') this.slackPacedSeconds.inc(seconds);
  }

  storeError(operation: StoreOperation, unavailable: boolean): void {
    this.storeErrors.inc({ operation, error: unavailable ? 'unavailable' : 'other' });
  }

  acked(type: string, seconds: number): void {
    this.ackDuration.observe({ type }, seconds);
  }

  /** The text Prometheus reads. Never rejects for a store that is down or slow: that series is left out. */
  async scrape(): Promise<string> {
    // Before the text is written, so that a failure to read is counted in the same scrape.
    await this.readPending();
    if (this.others === undefined) return this.registry.metrics();
    const [own, others] = await Promise.all([this.registry.getMetricsAsJSON(), this.others()]);
    return AggregatorRegistry.aggregate([own, others]).metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async readPending(): Promise<void> {
    const gauge = this.pendingApprovals;
    if (this.sources === undefined) return;
    const sources = this.sources;
    this.pendingCount ??= sources.pendingApprovals().finally(() => {
      this.pendingCount = undefined;
    });
    try {
      const counts = await withTimeout(this.pendingCount, SCRAPE_STORE_TIMEOUT_MS, `the store did not count pending approvals within ${SCRAPE_STORE_TIMEOUT_MS} ms`);
      gauge.reset();
      for (const kind of REQUEST_KINDS) gauge.set({ kind }, counts[kind] ?? 0);
    } catch (error) {
      // An absent series says "unknown"; a stale number would say something false.
      gauge.reset();
      this.scrapeErrors.inc({ source: 'pending_approvals' });
      this.logger?.warn({ err: error }, 'metrics: could not count pending approvals; the series is left out of this scrape');
    }
  }
}

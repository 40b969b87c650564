// Simplismart's API over ky: one instance with the base URL, JSON and a timeout; a request's POST (an
// import, or node groups added to a cluster) is never retried, its answer is read through a cap
// (cappedBody.ts), and every way it can end is classified into an ImportOutcome (it does not throw).
import ky, { isNetworkError, isTimeoutError, type KyInstance } from 'ky';
import { importedClusterSchema, nodeGroupsAddedSchema } from '../domain/clusterImport.js';
import type { ImportOutcome } from '../domain/importRequest.js';
import { ANSWER_BYTE_LIMIT, ANSWER_LIMIT_WORDS, endpointOf, bodyOfKind, ENDPOINT_TEMPLATES, type KindOf, type RequestKind } from '../domain/requestKinds.js';
import { SimplismartAnswerTooLargeError } from '../errors.js';
import { statusClass } from '../metrics/labels.js';
import type { Metrics } from '../metrics/metrics.js';
import { describeApiProblem, type ApiProblem } from './apiProblem.js';
import { readCappedText } from './cappedBody.js';

/** Errors that prove the request never left this machine, so nothing can have been imported. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);

export interface SimplismartClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Counts each call by endpoint template and status class, with its latency. */
  metrics?: Metrics;
}

export class SimplismartClient {
  private readonly http: KyInstance;
  private readonly metrics: Metrics | undefined;
  private readonly timeoutMs: number;

  constructor(options: SimplismartClientOptions) {
    this.metrics = options.metrics;
    this.timeoutMs = options.timeoutMs;
    this.http = ky.create({
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/`,
      // Until the answer's headers; its body has a deadline of the same length (bodyOf).
      timeout: options.timeoutMs,
      // Creating a cluster is not idempotent: a retried POST could import twice (see the reference).
      retry: { limit: 0 },
      // A redirected POST would be re-sent elsewhere, bearer token included; treat it as an answer instead.
      redirect: 'manual',
      // Every status is an answer to classify here: for an error status ky would read the whole body
      // itself (up to 10 MiB) before we see it; it is read through the cap instead, like a success's.
      throwHttpErrors: false,
      headers: { accept: 'application/json' },
    });
  }

  /**
   * Sends the request's frozen JSON body exactly as stored (byte for byte what was approved) to its
   * kind's endpoint with the workspace's token. The kubeconfig an import answers with is dropped here
   * and never leaves this function.
   */
  async send(token: string, request: KindOf): Promise<ImportOutcome> {
    const started = performance.now();
    try {
      const response = await this.http.post(endpointOf(request), {
        body: request.payload,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      const outcome = response.ok ? await this.success(request, response) : await this.failure(response);
      this.measure(request.kind, statusClass(response.status), started);
      return outcome;
    } catch (error) {
      this.measure(request.kind, failureClass(error), started);
      return failureOutcome(error);
    }
  }

  /** A 2xx: what its body says; a body over the cap says nothing anyone read, so the outcome is unknown. */
  private async success(request: KindOf, response: Response): Promise<ImportOutcome> {
    const text = await this.bodyOf(response);
    if (text === null) return { kind: 'unknown', code: 'answer_too_large', status: response.status, apiMessage: null };
    return SUCCESS[request.kind](text, request);
  }

  /**
   * An error status, classified by the status; its body only adds Simplismart's words. A body that could
   * not be read (cut off, too slow) adds none, and one over the cap is said to be so, never shown.
   */
  private async failure(response: Response): Promise<ImportOutcome> {
    const text = await this.bodyOf(response).catch(() => '');
    const problem: ApiProblem = text === null ? { message: TOO_LARGE_NOTE, fieldErrors: [] } : describeApiProblem(errorData(text, response.headers));
    return statusOutcome(response.status, problem);
  }

  /** The answer's body through the cap, within the client's timeout; null when it was over the cap. */
  private async bodyOf(response: Response): Promise<string | null> {
    try {
      return await readCappedText(response, ANSWER_BYTE_LIMIT, AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      if (error instanceof SimplismartAnswerTooLargeError) return null;
      throw error;
    }
  }

  private measure(kind: RequestKind, status: string, started: number): void {
    this.metrics?.simplismartCall(ENDPOINT_TEMPLATES[kind], status, (performance.now() - started) / 1000);
  }
}

/** What people are shown in place of Simplismart's words when its error answer was over the cap. */
const TOO_LARGE_NOTE = `(an answer over ${ANSWER_LIMIT_WORDS}, not read)`;

/** A call that ended without a whole answer: timeout (no headers in time, or no whole body), or network. */
function failureClass(error: unknown): string {
  return timedOut(error) ? 'timeout' : 'network';
}

/** ky's timeout (no headers in time), or the body's deadline (AbortSignal.timeout's reason). */
function timedOut(error: unknown): boolean {
  return isTimeoutError(error) || (error instanceof DOMException && error.name === 'TimeoutError');
}

/** An error body as ky used to hand it over: parsed when its type says JSON (`problem+json` too), else its text. */
function errorData(text: string, headers: Headers): unknown {
  const mimeType = (headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (text === '' || !/\/(?:.*[.+-])?json$/.test(mimeType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** What each kind's success answer (any 2xx) says, read from its body text. */
const SUCCESS: Record<RequestKind, (text: string, request: KindOf) => ImportOutcome> = {
  import_cluster: (text, request) => importedOutcome(text, request),
  add_node_groups: (text) => ({ kind: 'node_groups_added', apiMessage: nodeGroupsAddedMessage(text) }),
};

/** `{"message": "NodeGroup added successfully"}` → its message; any other body (the groups were added all the same) → null. */
function nodeGroupsAddedMessage(text: string): string | null {
  try {
    const parsed = nodeGroupsAddedSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.message.slice(0, 500) : null;
  } catch {
    return null;
  }
}

function importedOutcome(text: string, request: KindOf): ImportOutcome {
  const sent = bodyOfKind(request, 'import_cluster');
  const fallback = {
    uuid: null,
    name: sent.name,
    status: null,
    provider: sent.cluster_hosted_on,
    region: sent.region,
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      kind: 'imported',
      cluster: fallback,
      note: 'Simplismart accepted the import but its answer was not JSON, so the cluster’s UUID is unknown: find it in the Simplismart console.',
    };
  }
  const parsed = importedClusterSchema.safeParse(json);
  if (!parsed.success) {
    return {
      kind: 'imported',
      cluster: fallback,
      note: 'Simplismart accepted the import but its answer did not include the cluster’s UUID: find it in the Simplismart console.',
    };
  }
  const c = parsed.data;
  return {
    kind: 'imported',
    cluster: {
      uuid: c.uuid,
      name: c.name ?? sent.name,
      status: c.status ?? null,
      provider: c.cluster_hosted_on ?? sent.cluster_hosted_on,
      region: c.region === undefined ? sent.region : c.region,
    },
  };
}

const REJECTION_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'server_error',
  503: 'unavailable',
};

/** Gateways answer these when they lost the upstream: the import may well have happened behind them. */
const AMBIGUOUS_CODES: Record<number, string> = {
  502: 'bad_gateway',
  504: 'gateway_timeout',
};

/** An answer with an error status (3xx included: redirects are not followed), by its status. */
function statusOutcome(status: number, problem: ApiProblem): ImportOutcome {
  const ambiguous = AMBIGUOUS_CODES[status] ?? (status > 500 && !(status in REJECTION_CODES) ? 'server_error_unknown' : undefined);
  if (ambiguous !== undefined) {
    return { kind: 'unknown', code: ambiguous, status, apiMessage: problem.message };
  }
  const code = REJECTION_CODES[status] ?? (status >= 300 && status < 400 ? 'unexpected_redirect' : 'client_error');
  return { kind: 'rejected', code, status, apiMessage: problem.message, fieldErrors: problem.fieldErrors };
}

/** A call that threw: no answer (or no whole 2xx body) arrived. */
function failureOutcome(error: unknown): ImportOutcome {
  if (timedOut(error)) {
    return { kind: 'unknown', code: 'timeout', status: null, apiMessage: null };
  }
  const codes = errorCodes(error);
  const notSent = codes.find((code) => NOT_SENT_CODES.has(code));
  if (notSent !== undefined) {
    return { kind: 'not_sent', code: 'connection_failed', detail: notSent };
  }
  if (isNetworkError(error) || codes.length > 0) {
    return { kind: 'unknown', code: 'connection_lost', status: null, apiMessage: null };
  }
  return { kind: 'unknown', code: 'unexpected_error', status: null, apiMessage: null };
}

/** `code`s along the `cause` chain (undici nests the socket error two levels down). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

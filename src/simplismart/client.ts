// Simplismart's API over ky: one instance with the base URL, JSON and a timeout; a request's POST (an
// import, or node groups added to a cluster) is never retried, and every way it can end is classified
// into an ImportOutcome (it does not throw).
import ky, { isHTTPError, isNetworkError, isTimeoutError, type KyInstance } from 'ky';
import { importedClusterSchema, nodeGroupsAddedSchema } from '../domain/clusterImport.js';
import type { ImportOutcome } from '../domain/importRequest.js';
import { endpointOf, bodyOfKind, ENDPOINT_TEMPLATES, type KindOf, type RequestKind } from '../domain/requestKinds.js';
import { statusClass } from '../metrics/labels.js';
import type { Metrics } from '../metrics/metrics.js';
import { describeApiProblem } from './apiProblem.js';

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

  constructor(options: SimplismartClientOptions) {
    this.metrics = options.metrics;
    this.http = ky.create({
      baseUrl: `${options.baseUrl.replace(/\/+$/, '')}/`,
      timeout: options.timeoutMs,
      // Creating a cluster is not idempotent: a retried POST could import twice (see the reference).
      retry: { limit: 0 },
      // A redirected POST would be re-sent elsewhere, bearer token included; treat it as an answer instead.
      redirect: 'manual',
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
      const text = await this.http
        .post(endpointOf(request), {
          body: request.payload,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        })
        .text();
      this.measure(request.kind, '2xx', started);
      return SUCCESS[request.kind](text, request);
    } catch (error) {
      this.measure(request.kind, failureClass(error), started);
      return failureOutcome(error);
    }
  }

  private measure(kind: RequestKind, status: string, started: number): void {
    this.metrics?.simplismartCall(ENDPOINT_TEMPLATES[kind], status, (performance.now() - started) / 1000);
  }
}

/** A failed call's status class: the HTTP status's, or timeout, or network (nothing answered). */
function failureClass(error: unknown): string {
  if (isHTTPError(error)) return statusClass(error.response.status);
  return isTimeoutError(error) ? 'timeout' : 'network';
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

function failureOutcome(error: unknown): ImportOutcome {
  if (isHTTPError(error)) {
    const status = error.response.status;
    const problem = describeApiProblem(error.data);
    const ambiguous = AMBIGUOUS_CODES[status] ?? (status > 500 && !(status in REJECTION_CODES) ? 'server_error_unknown' : undefined);
    if (ambiguous !== undefined) {
      return { kind: 'unknown', code: ambiguous, status, apiMessage: problem.message };
    }
    const code = REJECTION_CODES[status] ?? (status >= 300 && status < 400 ? 'unexpected_redirect' : 'client_error');
    return { kind: 'rejected', code, status, apiMessage: problem.message, fieldErrors: problem.fieldErrors };
  }
  if (isTimeoutError(error)) {
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

// The store as the bot's services see it, measured: each failed call counts as a store error of its
// operation class, and each state change that went through (every one passes through `transition`)
// feeds the request series. One place, so that no service or domain module knows about metrics.
import { StoreUnavailableError } from '../errors.js';
import type { ImportRequest } from '../domain/importRequest.js';
import type { NewImportRequest, Store, TransitionArgs } from '../store/store.js';
import type { Metrics, StoreOperation } from './metrics.js';

/** A store method's operation class, from its name: the interface's naming (get…, list…) holds for new methods too. */
export function operationOf(method: string): StoreOperation {
  if (method === 'ping') return 'health';
  return /^(get|list|count|homeViewers)/.test(method) ? 'read' : 'write';
}

export function measuredStore(store: Store, metrics: Metrics): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  const failed = (method: string) => (error: unknown) => {
    metrics.storeError(operationOf(method), error instanceof StoreUnavailableError);
    throw error;
  };
  const measure = (method: string, call: (...args: unknown[]) => Promise<unknown>) => {
    const onError = failed(method);
    switch (method) {
      case 'createRequest':
        return (input: NewImportRequest) =>
          (call(input) as Promise<{ request: ImportRequest; created: boolean }>).then((result) => {
            if (result.created) metrics.requestSubmitted(result.request.kind, result.request.state === 'pending_approval');
            return result;
          }, onError);
      case 'transition':
        return (args: TransitionArgs) =>
          (call(args) as Promise<ImportRequest | undefined>).then((moved) => {
            if (moved !== undefined) metrics.requestMoved(moved.kind, args.to, moved.createdAt, args.at);
            return moved;
          }, onError);
      default:
        return (...args: unknown[]) => call(...args).catch(onError);
    }
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || typeof key !== 'string' || key === 'watch' || key === 'close' || key === 'migrate') {
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      let fn = wrapped.get(key);
      if (fn === undefined) {
        fn = measure(key, (value as (...args: unknown[]) => Promise<unknown>).bind(target));
        wrapped.set(key, fn);
      }
      return fn;
    },
  });
}

// Which failures mean "a store we depend on is unreachable right now": those
// get a 503 with Retry-After (try again, nothing was accepted) instead of a 500.
import { status as grpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { TemporalDeadlineError } from './temporal/deadline.js';

const UNAVAILABLE_GRPC_CODES: ReadonlySet<number> = new Set([grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED]);

const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

export type UnavailableStore = 'temporal' | 'postgres';

/** The client wraps gRPC errors (ServiceError with a cause): look through the chain. */
export function unavailableStore(error: unknown): UnavailableStore | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const store = unavailableStoreOf(e);
    if (store) return store;
  }
  return undefined;
}

function unavailableStoreOf(error: unknown): UnavailableStore | undefined {
  if (error instanceof TemporalDeadlineError) return 'temporal';
  if (isGrpcServiceError(error) && UNAVAILABLE_GRPC_CODES.has(error.code)) return 'temporal';
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE class 08 (connection exception), 57P01-57P03 (server shutting down or starting),
    // 53300 (too many connections: every slot taken for now, as while a restarted Temporal server reconnects).
    if (code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300' || NETWORK_ERROR_CODES.has(code)) return 'postgres';
  }
  // pg's pool gives up waiting for a connection with this message and no code.
  if (typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated/i.test(message)) {
    return 'postgres';
  }
  return undefined;
}

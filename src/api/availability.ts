/**
 * Is this error "a dependency is down" (→ 503 with Retry-After) rather than a bug
 * (→ 500)? Walks the cause chain: Temporal's ServiceError wraps a gRPC error,
 * the MongoDB driver wraps network errors in server-selection errors.
 */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongooseServerSelectionError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE']);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

export function unavailableReason(error: unknown): 'Temporal' | 'MongoDB' | null {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current && typeof current === 'object' && !seen.has(current); current = (current as ErrorLike).cause) {
    seen.add(current);
    const e = current as ErrorLike;
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (MONGO_UNAVAILABLE_NAMES.has(name)) return 'MongoDB';
    // FerretDB's SQLite backend under write contention: transient, a retry succeeds.
    if (name.startsWith('Mongo') && /database is locked|SQLITE_BUSY/.test(message)) return 'MongoDB';
    if (name.startsWith('Mongo') && /buffering timed out|connection .* closed|not connected/i.test(message)) return 'MongoDB';
    // A bulk write that could not reach the server: its message is the network error's, the
    // server-selection error sits in `errorResponse`, not in `cause`.
    if (name.startsWith('Mongo') && /\b(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)\b/.test(message)) return 'MongoDB';
    if (/^Operation `.*` buffering timed out/.test(message)) return 'MongoDB';
    if (name === 'MongooseError' && /before initial connection is complete|Connection was force closed|Client must be connected/.test(message)) return 'MongoDB';
    if (name === 'ServiceError' || name === 'ConnectionError' || name === 'TransportError') {
      if (/UNAVAILABLE|DEADLINE_EXCEEDED|connect|unreachable|closed/i.test(message) || hasGrpcCode(e.cause)) return 'Temporal';
    }
    if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED) {
      if ('details' in e || 'metadata' in e) return 'Temporal';
    }
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return name.startsWith('Mongo') ? 'MongoDB' : 'Temporal';
  }
  return null;
}

function hasGrpcCode(cause: unknown): boolean {
  const code = (cause as ErrorLike | undefined)?.code;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}

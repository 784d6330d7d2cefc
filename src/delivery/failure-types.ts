/** The `type` of every ApplicationFailure the deliver activity throws: what the Web UI and logs show. */
export const FailureType = {
  /** The receiver answered with a non-2xx status; retried. */
  HttpStatus: 'HttpStatus',
  /** Timeout, refused or reset connection, DNS failure; retried. */
  NetworkError: 'NetworkError',
  /** The subscription is paused; the delivery waits without an HTTP call. */
  SubscriptionPaused: 'SubscriptionPaused',
  /** The endpoint's circuit is open (or half-open with a probe under way): the delivery waits. */
  CircuitOpen: 'CircuitOpen',
  /** The endpoint's rate limit is reached: the delivery waits. */
  RateLimited: 'RateLimited',
  /** The subscription is disabled or deleted; dead-lettered. */
  SubscriptionInactive: 'SubscriptionInactive',
  DeliveryNotFound: 'DeliveryNotFound',
  /** 410 Gone or a status the subscription lists as permanent; dead-lettered at once. */
  PermanentFailure: 'PermanentFailure',
  /** The SSRF guard refused the target (a private, loopback, metadata... address); dead-lettered at once. */
  ForbiddenTarget: 'ForbiddenTarget',
  /** The signing key is sealed under an encryption key no longer in the keyring (or does not open); dead-lettered at once. */
  SigningKeyUnavailable: 'SigningKeyUnavailable',
  /** The retry schedule is spent; dead-lettered. */
  RetriesExhausted: 'RetriesExhausted',
} as const;

/** Failures that are a webhook's ordinary life, retried on schedule. */
export const EXPECTED_FAILURE_TYPES: ReadonlySet<string> = new Set([
  FailureType.HttpStatus,
  FailureType.NetworkError,
  FailureType.SubscriptionPaused,
  FailureType.CircuitOpen,
  FailureType.RateLimited,
]);

/**
 * The one error hierarchy of the domain. Use cases and adapters throw these; only
 * `shared/http/errors.ts` knows which HTTP status each kind becomes. Messages are safe to show to the
 * caller: never put secrets, codes or stack traces in them.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'idempotency_conflict'
  | 'idempotency_mismatch'
  | 'precondition'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'payment_declined';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Stable machine-readable code, snake_case, documented per route. */
  readonly code: string;
  /** The request field at fault, as a dotted path (`body.address.country`). */
  readonly param: string | undefined;

  constructor(code: string, message: string, param?: string) {
    super(message);
    this.code = code;
    this.param = param;
  }
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  readonly kind = 'validation';
}
export class UnauthenticatedError extends DomainError {
  override name = 'UnauthenticatedError';
  readonly kind = 'unauthenticated';
}
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly kind = 'forbidden';
}
/** Also used for objects of another tenant: a foreign object must be indistinguishable from a missing one. */
export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly kind = 'not_found';
}
export class ConflictError extends DomainError {
  override name = 'ConflictError';
  readonly kind = 'conflict';
}
export class IdempotencyConflictError extends DomainError {
  override name = 'IdempotencyConflictError';
  readonly kind = 'idempotency_conflict';
}
export class IdempotencyMismatchError extends DomainError {
  override name = 'IdempotencyMismatchError';
  readonly kind = 'idempotency_mismatch';
}
/** The request is well formed but the entity is not in a state that allows it (422). */
export class PreconditionError extends DomainError {
  override name = 'PreconditionError';
  readonly kind = 'precondition';
}
export class RateLimitedError extends DomainError {
  override name = 'RateLimitedError';
  readonly kind = 'rate_limited';
}
export class PayloadTooLargeError extends DomainError {
  override name = 'PayloadTooLargeError';
  readonly kind = 'payload_too_large';
}
export class UnsupportedMediaTypeError extends DomainError {
  override name = 'UnsupportedMediaTypeError';
  readonly kind = 'unsupported_media_type';
}
/** A dependency is down; the caller may retry. */
export class UnavailableError extends DomainError {
  override name = 'UnavailableError';
  readonly kind = 'unavailable';
}

/** A payment the card processor declined (402); the code says why (BI-3). */
export class PaymentDeclinedError extends DomainError {
  override name = 'PaymentDeclinedError';
  readonly kind = 'payment_declined';
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

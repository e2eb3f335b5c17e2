import type { IdentityProvider } from '#shared/domain/identity/ports.ts';
import type { Clock } from '#shared/lib/ids.ts';
import { type RateLimit, sendLimits } from './signup.ts';

export interface PasswordResetDeps {
  identity: IdentityProvider;
  /** Counts the sends against the same windows as signup codes (throws RateLimitedError over a limit). */
  countSends(limits: RateLimit[]): Promise<void>;
  clock: Clock;
}

export const RESET_REQUESTED = {
  status: 'reset_requested',
  message: 'If this address has an account, we sent it a code to choose a new password.',
} as const;

/** ON-7 forgot password: the same answer, status and work for any address (ASVS 6.3.8). */
export async function requestPasswordReset(input: { email: string; sourceIp: string }, deps: PasswordResetDeps): Promise<typeof RESET_REQUESTED> {
  const limits = sendLimits(input.email, input.sourceIp, deps.clock.now()).map((l) => ({ ...l, key: `reset-${l.key}` }));
  await deps.countSends(limits);
  await deps.identity.startPasswordReset(input.email);
  return RESET_REQUESTED;
}

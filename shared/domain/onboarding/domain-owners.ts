import type { DomainOwner, UserProfile } from '#shared/domain/identity/model.ts';
import { domainSuffixes } from './email-domains.ts';

/** The owner items found for some suffixes of an email domain (P2): a suffix not listed has no owner item. */
export type OwnersBySuffix = { domain: string; owners: DomainOwner[] }[];

/**
 * What the owner items (P2) of an address's domain and of each of its parent domains said when they were
 * read: `found` holds the items that existed, exactly as stored; every other suffix of `domain` had none.
 *
 * Taken at sign-up inside the read sign-up makes anyway (P20), kept on the pending signup, copied onto the
 * profile when the code is verified (so the principal's P1 Query brings it along), refreshed whenever the
 * owners are read again, dropped when the email changes.
 *
 * Only a hint: a write decided from it carries a ConditionCheck per suffix that the owner item is still
 * exactly as recorded (absent where it was absent). If the owners changed, the write fails as a whole and the
 * decision is taken again from a fresh read, so a stale snapshot can never be acted on.
 */
export interface DomainOwnersSnapshot {
  domain: string;
  found: OwnersBySuffix;
  takenAt: string;
}

/** The profile item's field holding the snapshot (no view shows it: it names orgs the user may not join). */
export interface OwnersHint {
  domainOwners?: DomainOwnersSnapshot | undefined;
}

/** The name of that field (stores set and remove it). */
export const OWNERS_HINT_FIELD = 'domainOwners' satisfies keyof OwnersHint;

/** Where the owners a decision used came from, which decides what the write adds (see the stores). */
export type OwnersBasis =
  /** The profile's snapshot: the write checks every suffix against it, and throws StaleOwnersError if one differs. */
  | { source: 'snapshot'; snapshot: DomainOwnersSnapshot }
  /** A fresh read (P2): the write stores it on the profile as the new snapshot (no extra call). */
  | { source: 'read'; snapshot: DomainOwnersSnapshot };

/**
 * The owners recorded in a snapshot no longer hold (a ConditionCheck of the write failed), or a decision
 * taken from a snapshot refuses the request (nothing written to prove it): decide again from a fresh read.
 * Never reaches the caller of the use case.
 */
export class StaleOwnersError extends Error {
  override name = 'StaleOwnersError';
}

export function takeSnapshot(domain: string, found: OwnersBySuffix, now: Date): DomainOwnersSnapshot {
  const suffixes = domainSuffixes(domain);
  return {
    domain: domain.toLowerCase(),
    found: found.filter((f) => suffixes.includes(f.domain)).map((f) => ({ domain: f.domain, owners: f.owners })),
    takenAt: now.toISOString(),
  };
}

/** The snapshot stored on a profile, if it is one of the profile's current email domain (else none). */
export function snapshotOf(profile: UserProfile): DomainOwnersSnapshot | undefined {
  const s = (profile as UserProfile & OwnersHint).domainOwners;
  if (!s || typeof s !== 'object' || !Array.isArray(s.found) || typeof s.domain !== 'string') return undefined;
  if (!profile.emailDomain || s.domain !== profile.emailDomain.toLowerCase()) return undefined;
  if (!s.found.every((f) => f && typeof f.domain === 'string' && Array.isArray(f.owners))) return undefined;
  return s;
}

/**
 * Runs `act` (decide, then write) on the owners of the profile's snapshot when it has one; when it has none,
 * or `act` throws StaleOwnersError, reads the owners (P2) and runs `act` again on them. The second run never
 * throws StaleOwnersError: its basis is a read, which the write stores as the new snapshot.
 */
export async function withDomainOwners<T>(
  profile: UserProfile,
  read: (domains: string[]) => Promise<OwnersBySuffix>,
  now: Date,
  act: (found: OwnersBySuffix, basis: OwnersBasis) => Promise<T>,
): Promise<T> {
  const snapshot = snapshotOf(profile);
  if (snapshot) {
    try {
      return await act(snapshot.found, { source: 'snapshot', snapshot });
    } catch (e) {
      if (!(e instanceof StaleOwnersError)) throw e;
    }
  }
  const domain = (profile.emailDomain as string).toLowerCase();
  const fresh = takeSnapshot(domain, await read(domainSuffixes(domain)), now);
  return act(fresh.found, { source: 'read', snapshot: fresh });
}

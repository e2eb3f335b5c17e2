/** How an email domain may be used (ON-1). */
export type DomainClass = 'business' | 'free_mail' | 'disposable';

/** Port: classifies a domain from maintained free-mail and disposable-domain lists. */
export interface EmailDomainClassifier {
  classify(domain: string): Promise<DomainClass>;
}

export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return email.slice(at + 1).toLowerCase();
}

/**
 * `a.b.example.com` -> `['a.b.example.com', 'b.example.com', 'example.com']`: the candidates for org
 * matching (the longest registered suffix wins) and for list lookups (a subdomain of a free-mail provider is
 * free-mail too). Single labels are never candidates.
 */
export function domainSuffixes(domain: string): string[] {
  const labels = domain.toLowerCase().split('.').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** Classification against sets of listed domains, suffix-aware. Disposable wins over free-mail. */
export function classifyWith(domain: string, lists: { freeMail: ReadonlySet<string>; disposable: ReadonlySet<string> }): DomainClass {
  const suffixes = domainSuffixes(domain);
  if (suffixes.some((d) => lists.disposable.has(d))) return 'disposable';
  if (suffixes.some((d) => lists.freeMail.has(d))) return 'free_mail';
  return 'business';
}

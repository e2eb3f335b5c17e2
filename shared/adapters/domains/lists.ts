import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type EmailDomainClassifier, classifyWith } from '#shared/domain/onboarding/email-domains.ts';

/**
 * The maintained lists: `email-providers` (free-mail providers, ~8.8k domains) and
 * `disposable-email-domains` (~120k). Too large to bundle into a handler (2 MB), so Lambda bundles carry them
 * as data files (`data/*.json`, copied at bundling by the function construct) and they are read lazily on
 * the first classification. From source (local stack, tests) they are read from node_modules.
 */
export const DOMAIN_LIST_FILES = {
  freeMail: { pkg: 'email-providers/all.json', file: 'free-mail-domains.json' },
  disposable: { pkg: 'disposable-email-domains/index.json', file: 'disposable-domains.json' },
} as const;

const require = createRequire(import.meta.url);

async function load(which: keyof typeof DOMAIN_LIST_FILES): Promise<Set<string>> {
  const { pkg, file } = DOMAIN_LIST_FILES[which];
  const root = process.env.LAMBDA_TASK_ROOT;
  const path = root ? join(root, 'data', file) : require.resolve(pkg);
  const list = JSON.parse(await readFile(path, 'utf8')) as string[];
  return new Set(list.map((d) => d.toLowerCase()));
}

let lists: Promise<{ freeMail: Set<string>; disposable: Set<string> }> | undefined;

export const listDomainClassifier: EmailDomainClassifier = {
  async classify(domain) {
    lists ??= Promise.all([load('freeMail'), load('disposable')]).then(([freeMail, disposable]) => ({ freeMail, disposable }));
    return classifyWith(domain, await lists);
  },
};

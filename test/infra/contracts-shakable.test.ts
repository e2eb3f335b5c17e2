import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '#infra/constructs/portal-function.ts';

/**
 * A handler imports its route from its context's contract module; esbuild keeps only the schemas and routes that
 * route reaches when each top-level one is built through `/* @__PURE__ *\/ shakable(() => ...)` (see
 * shared/contracts/common.ts). A bare top-level `withMeta(...)` or `z.strictObject(...)` would be built again at
 * every cold start of every handler of the context: this finds them in the sources.
 */
const CONTRACTS = join(REPO_ROOT, 'shared/contracts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Whether evaluating `node` calls anything (function bodies excluded: they run later, if ever). */
function callsAtLoad(node: ts.Node): boolean {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) return true;
  return ts.forEachChild(node, (child) => callsAtLoad(child) || undefined) ?? false;
}

function unshakable(file: string, text = readFileSync(file, 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!d.initializer || !callsAtLoad(d.initializer)) continue;
      const init = text.slice(d.initializer.getFullStart(), d.initializer.getEnd()).trimStart();
      if (!init.startsWith('/* @__PURE__ */ shakable(() =>')) found.push(`${relative(REPO_ROOT, file)}: ${d.name.getText(source)}`);
    }
  }
  return found;
}

describe('contracts', () => {
  it('build every top-level schema and route through a pure-annotated shakable()', () => {
    const files = sources(CONTRACTS);
    expect(files.length).toBeGreaterThan(5);
    expect(files.flatMap((file) => unshakable(file))).toEqual([]);
  });

  it('would report a bare top-level schema', () => {
    const common = join(CONTRACTS, 'common.ts');
    const text = `${readFileSync(common, 'utf8')}\nexport const Probe = withMeta(z.string().check(z.maxLength(3)), { description: 'probe' });\n`;
    expect(unshakable(common, text)).toEqual(['shared/contracts/common.ts: Probe']);
  });
});

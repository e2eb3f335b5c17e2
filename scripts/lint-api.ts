/**
 * `npm run lint:api`: fetches /openapi.json from the local server (the document front ends get), writes it
 * to .tmp-openapi-<pid>.json, and runs Spectral (OAS + OWASP rulesets from .spectral.yaml). Exits non-zero on any
 * error-severity finding.
 */
import { spawnSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { routes } from '#shared/contracts/routes/index.ts';
import { buildOpenApiDocument } from '#shared/contracts/openapi.ts';
import { startLocalApi } from '#infra/local/server.ts';

const api = await startLocalApi({ routes, port: 0, openapi: () => buildOpenApiDocument({ serverUrl: 'https://api.portal.example' }) });
const doc = await (await fetch(`${api.url}/openapi.json`)).text();
await api.close();
// Beside .spectral.yaml (its overrides match `.tmp-openapi-*.json#/...` relative to it); one file per run.
const file = `.tmp-openapi-${process.pid}.json`;
await writeFile(file, doc);
const res = spawnSync('npx', ['--no-install', 'spectral', 'lint', file, '--ruleset', '.spectral.yaml', '--fail-severity', 'error', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
await rm(file, { force: true });
process.exit(res.status ?? 1);

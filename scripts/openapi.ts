/** `npm run openapi`: writes the OpenAPI 3.1 document generated from the route table to docs/openapi.json. */
import { mkdir, writeFile } from 'node:fs/promises';
import { buildOpenApiDocument } from '#shared/contracts/openapi.ts';

const out = process.argv[2] ?? 'docs/openapi.json';
await mkdir('docs', { recursive: true });
await writeFile(out, JSON.stringify(buildOpenApiDocument({ serverUrl: process.env.API_URL }), null, 2) + '\n');
console.log(`wrote ${out}`);

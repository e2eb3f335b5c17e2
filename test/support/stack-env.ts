import { inject } from 'vitest';

/**
 * Setup file of the projects that start stand-ins (integration, timing): each project's global setup starts
 * its own set and writes its env into the one main process, so a worker could inherit the other project's
 * endpoints. Every test file takes its own project's env here, before its modules read their configuration.
 */
Object.assign(process.env, inject('stack').env);

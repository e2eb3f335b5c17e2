import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED, logger } from '#shared/lib/logger.ts';
import { type CapturedLogs, captureLogs } from '#test/support/logs.ts';

let logs: CapturedLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => {
  logger.endRequest();
  logs.restore();
});

const only = () => {
  const records = logs.records();
  expect(records).toHaveLength(1);
  return records[0] as Record<string, any>;
};

describe('logger', () => {
  it('redacts secret keys at any depth, whatever their case', () => {
    logger.info('signed in', { Password: 'hunter2-hunter2', session: { accessToken: 'eyJ.x.y', user: 'u1' }, items: [{ CODE: '123456' }] });
    const line = only();
    expect(line).toMatchObject({ Password: REDACTED, session: { accessToken: REDACTED, user: 'u1' }, items: [{ CODE: REDACTED }] });
  });

  it('masks a card number in any string, and leaves other long digit runs alone', () => {
    logger.info('payment', { comment: 'card 4242 4242 4242 4242 please', orderNumber: '1234567890123', phone: '+33612345678' });
    expect(only()).toMatchObject({ comment: REDACTED, orderNumber: '1234567890123', phone: '+33612345678' });
  });

  it('leaves a UUID whose digit groups pass Luhn alone (request ids), but not a card number beside one', () => {
    const requestId = 'f09aeadd-8920-4060-9834-210b45f7795e';
    logger.info('request completed', { requestId, note: `${requestId} 4242-4242-4242-4242` });
    expect(only()).toMatchObject({ requestId, note: REDACTED });
  });

  it('writes bigints as strings', () => {
    logger.info('count', { total: 12345678901234567890n });
    expect(only()).toMatchObject({ total: '12345678901234567890' });
  });

  it('puts the request keys on every line of a request, ahead of the line’s own, which win on a clash', () => {
    logger.startRequest({ requestId: 'req-1', operationId: 'getThing' });
    logger.info('plain', { status: 200 });
    logger.warn({ message: 'as object', step: 2 });
    logger.info('override', { requestId: 'given-by-the-call' });
    logger.endRequest();
    logger.info('after');
    const [plain, asObject, override, after] = logs.records();
    expect(Object.keys(plain ?? {}).slice(-3)).toEqual(['requestId', 'operationId', 'status']);
    expect(asObject).toMatchObject({ level: 'WARN', requestId: 'req-1', operationId: 'getThing', step: 2 });
    expect(override).toMatchObject({ requestId: 'given-by-the-call', operationId: 'getThing' });
    expect(after).not.toHaveProperty('requestId');
    expect(after).not.toHaveProperty('operationId');
  });

  it('drops lines below the level, and follows a level set later', () => {
    logger.setLogLevel('WARN');
    logger.info('dropped');
    logger.warn('kept');
    logger.setLogLevel('DEBUG');
    logger.debug('kept too');
    expect(logs.records().map((r) => r.message)).toEqual(['kept', 'kept too']);
  });

  it('writes Powertools-shaped lines: level, message, timestamp, service, the trace id, then the attributes', () => {
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    try {
      logger.info('shaped', { a: 1 });
    } finally {
      delete process.env._X_AMZN_TRACE_ID;
    }
    const line = only();
    expect(Object.keys(line)).toEqual(['level', 'message', 'timestamp', 'service', 'xray_trace_id', 'a']);
    expect(line).toMatchObject({ level: 'INFO', message: 'shaped', service: 'support-portal', xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' });
    expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
  });

  it('formats errors (with their cause) at any key, and cuts a circular reference instead of throwing', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    logger.error('failed', { error: new TypeError('outer', { cause: new Error('inner') }), cyclic });
    const line = only();
    expect(line.error).toMatchObject({ name: 'TypeError', message: 'outer', cause: { name: 'Error', message: 'inner' } });
    expect(line.error.location).toMatch(/logger\.test\.ts:\d+$/);
    expect(line.error.stack).toContain('TypeError: outer');
    expect(line.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
  });
});

import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { TemporalDeadlineError } from '../../src/temporal/deadline.js';
import { unavailableStore } from '../../src/unavailable.js';

function grpcError(code: number): Error {
  return Object.assign(new Error(`grpc ${code}`), { code, details: 'details', metadata: {} });
}

function pgError(code: string): Error {
  return Object.assign(new Error(`pg ${code}`), { code });
}

describe('unavailableStore', () => {
  it.each([status.UNAVAILABLE, status.DEADLINE_EXCEEDED])('gRPC code %i means Temporal is unreachable', (code) => {
    expect(unavailableStore(grpcError(code))).toBe('temporal');
  });

  it('a call cut at its deadline means Temporal is unreachable', () => {
    expect(unavailableStore(new TemporalDeadlineError(5_000))).toBe('temporal');
  });

  it.each([status.NOT_FOUND, status.INVALID_ARGUMENT, status.ALREADY_EXISTS, status.INTERNAL, status.PERMISSION_DENIED])(
    'gRPC code %i is not an outage',
    (code) => {
      expect(unavailableStore(grpcError(code))).toBeUndefined();
    },
  );

  it.each(['08000', '08001', '08003', '08006', '57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])(
    'error code %s means PostgreSQL is unreachable',
    (code) => {
      expect(unavailableStore(pgError(code))).toBe('postgres');
    },
  );

  it.each(['23505', '42P01', '22P02', '57014', '40001', '53100', '53200'])('SQLSTATE %s is not an outage', (code) => {
    expect(unavailableStore(pgError(code))).toBeUndefined();
  });

  it('recognises the pool giving up on a connection', () => {
    expect(unavailableStore(new Error('timeout exceeded when trying to connect'))).toBe('postgres');
    expect(unavailableStore(new Error('Connection terminated unexpectedly'))).toBe('postgres');
  });

  it('leaves everything else alone', () => {
    expect(unavailableStore(new Error('boom'))).toBeUndefined();
    expect(unavailableStore(undefined)).toBeUndefined();
    expect(unavailableStore('ECONNREFUSED')).toBeUndefined();
    expect(unavailableStore({ code: 5 })).toBeUndefined();
  });
});

describe('wrapped errors', () => {
  it('finds an outage behind the client’s ServiceError wrapper', () => {
    const wrapped = Object.assign(new Error('Failed to start Workflow'), { cause: grpcError(status.DEADLINE_EXCEEDED) });
    expect(unavailableStore(wrapped)).toBe('temporal');
    const twice = Object.assign(new Error('outer'), { cause: Object.assign(new Error('inner'), { cause: pgError('57P01') }) });
    expect(unavailableStore(twice)).toBe('postgres');
    expect(unavailableStore(Object.assign(new Error('outer'), { cause: new Error('boom') }))).toBeUndefined();
  });
});

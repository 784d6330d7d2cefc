// The typed HTTP client against whatever may stand between it and hookflow: a
// proxy's HTML error page, a plain-text answer, JSON that is no problem. Each
// becomes a HookflowApiError naming the status with a short excerpt of the
// body, never a JSON syntax error. A real HTTP server on loopback answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHookflowClient, HookflowApiError } from '../../src/client/http-client.js';

interface Answer {
  status: number;
  contentType?: string;
  body: string;
  headers?: Record<string, string>;
}

let server: Server;
let baseUrl: string;
let next: Answer;

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(next.status, { ...(next.contentType ? { 'content-type': next.contentType } : {}), ...next.headers });
    response.end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function errorFrom(answer: Answer): Promise<HookflowApiError> {
  next = answer;
  const client = createHookflowClient({ baseUrl, apiKey: 'hfk_test' });
  const error = await client.getEvent('evt_1').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HookflowApiError);
  return error as HookflowApiError;
}

describe('HTTP client on an answer that is not what hookflow sends', () => {
  it("names the status and quotes a proxy's HTML error page, shortened to one line", async () => {
    const page = `<html>\n<head><title>502 Bad Gateway</title></head>\n<body>${'x'.repeat(500)}</body>\n</html>`;
    const error = await errorFrom({ status: 502, contentType: 'text/html', body: page, headers: { 'retry-after': '7' } });
    expect(error.status).toBe(502);
    expect(error.retryAfterSeconds).toBe(7);
    expect(error.problem.title).toBe('Bad Gateway');
    expect(error.problem.detail).toMatch(
      /^expected a problem\+json body, got text\/html: "<html> <head><title>502 Bad Gateway<\/title><\/head> <body>x+…"$/,
    );
    expect(error.problem.detail!.length).toBeLessThan(300);
    expect(error.message).toBe(`502 Bad Gateway: ${error.problem.detail}`);
  });

  it('quotes a plain-text body whole when it is short', async () => {
    const error = await errorFrom({ status: 413, contentType: 'text/plain', body: 'request entity too large' });
    expect([error.status, error.problem.detail]).toEqual([413, 'expected a problem+json body, got text/plain: "request entity too large"']);
  });

  it('treats JSON that is not a problem like any other unexpected body', async () => {
    const error = await errorFrom({ status: 500, contentType: 'application/json', body: '{"message":"internal"}' });
    expect(error.problem.detail).toBe('expected a problem+json body, got application/json: "{"message":"internal"}"');
  });

  it('says when there was no content-type at all', async () => {
    const error = await errorFrom({ status: 503, body: 'down' });
    expect(error.problem.detail).toBe('expected a problem+json body, got no content-type: "down"');
  });

  it('keeps an empty error body to the status text', async () => {
    const error = await errorFrom({ status: 404, body: '' });
    expect(error.problem).toEqual({ type: 'about:blank', title: 'Not Found' });
  });

  it("passes the API's own problem through unchanged", async () => {
    const problem = { type: 'https://hookflow.dev/problems/not-found', title: 'Not Found', status: 404, detail: 'no event evt_1' };
    const error = await errorFrom({ status: 404, contentType: 'application/problem+json', body: JSON.stringify(problem) });
    expect(error.problem).toEqual(problem);
    expect(error.message).toBe('404 Not Found: no event evt_1');
  });

  it('refuses a successful answer that is not JSON with the same clear error', async () => {
    const error = await errorFrom({ status: 200, contentType: 'text/html', body: '<html>captive portal</html>' });
    expect([error.status, error.problem.detail]).toEqual([200, 'expected a JSON body, got text/html: "<html>captive portal</html>"']);
  });
});

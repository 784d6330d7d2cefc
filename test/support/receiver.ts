// A real HTTP receiver on loopback that records every request and answers
// as the test says (by attempt number), for example fail twice, then succeed.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface Answer {
  status: number;
  /** Answer only after this long (a slow receiver). */
  delayMs?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Drop the connection without an answer (a crash, a proxy reset). */
  reset?: boolean;
}

export type Behaviour = (requestNumber: number, request: ReceivedRequest) => Answer;

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Changes how later requests are answered (e.g. the receiver is "fixed"). */
  setBehaviour(behaviour: Behaviour): void;
  close(): Promise<void>;
}

export const alwaysOk: Behaviour = () => ({ status: 200, body: 'ok' });
export const alwaysFail: Behaviour = () => ({ status: 500, body: 'receiver is broken' });

export async function startReceiver(initial: Behaviour = alwaysOk): Promise<Receiver> {
  let behaviour = initial;
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(request);
      const answer = behaviour(requests.length, request);
      setTimeout(() => {
        if (answer.reset) return void req.socket.destroy();
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    requests,
    setBehaviour(next) {
      behaviour = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

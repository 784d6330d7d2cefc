// For tests of what signs deliveries (secrets, keys): one stack whose log
// lines and API answers are kept, to be scanned for anything that must not
// leak, and one loopback receiver that the events are delivered to.
import { afterAll, beforeAll } from 'vitest';
import { startReceiver, type ReceivedRequest, type Receiver } from './receiver.js';
import { startTestStack, waitFor, type ApiAnswer, type TestStack } from './stack.js';

export interface SignedTraffic {
  readonly stack: TestStack;
  readonly receiver: Receiver;
  /** Every log line, trace level and up. */
  readonly logLines: string[];
  /** Every answer that recorded() got, as JSON. */
  readonly apiAnswers: string[];
  /** An API call whose answer joins apiAnswers. */
  recorded: <T = any>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;
  /** Publishes an event of `type` with payload `{ n }` and answers the request the receiver got once it is delivered. */
  publishAndReceive: (type: string, n: number) => Promise<ReceivedRequest>;
}

/** Starts the stack and receiver before the file's tests, and stops them after. */
export function useSignedTraffic(): SignedTraffic {
  const logLines: string[] = [];
  const apiAnswers: string[] = [];
  let stack: TestStack | undefined;
  let receiver: Receiver | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ retryScheduleSeconds: [0.1], logSink: (line) => logLines.push(line) });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await stack?.close();
  });

  const started = <T>(part: T | undefined): T => {
    if (part === undefined) throw new Error('the stack is not started yet');
    return part;
  };

  const traffic: SignedTraffic = {
    get stack() {
      return started(stack);
    },
    get receiver() {
      return started(receiver);
    },
    logLines,
    apiAnswers,
    async recorded(method, path, body) {
      const answer = await started(stack).api(method, path, body);
      apiAnswers.push(JSON.stringify(answer.body ?? null));
      return answer;
    },
    async publishAndReceive(type, n) {
      const requests = started(receiver).requests;
      const before = requests.length;
      const { body: event } = await traffic.recorded('POST', '/v1/events', { type, payload: { n } });
      await waitFor(`delivery ${n}`, async () => (requests.length > before ? true : undefined));
      await waitFor(`event ${n} to settle`, async () => {
        const { body } = await traffic.recorded('GET', `/v1/events/${event.id}`);
        return body.deliveries?.[0]?.status === 'succeeded' ? true : undefined;
      });
      return requests.at(-1)!;
    },
  };
  return traffic;
}

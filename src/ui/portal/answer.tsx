// How a receiver answered a request (an attempt of a delivery, or a test
// send): its status or why there was none, how long it took, and the start of
// what it said.
import { StatusBadge } from '../components.js';

export interface ReceiverAnswer {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}

/** Enough of a response body to recognise it; the API keeps the first KiB. */
export const EXCERPT_CHARS = 300;

export function excerpt(body: string, max = EXCERPT_CHARS): string {
  return body.length > max ? `${body.slice(0, max)}…` : body;
}

/** 2xx succeeded, anything else (or no answer) failed: said in words, not colour alone. */
export function AnswerStatus(props: { answer: ReceiverAnswer }) {
  const { statusCode } = props.answer;
  return (
    <>
      <StatusBadge status={statusCode !== null && statusCode >= 200 && statusCode < 300 ? 'succeeded' : 'failed'} />{' '}
      {statusCode === null ? 'no answer' : `HTTP ${statusCode}`}
    </>
  );
}

export function ResponseExcerpt(props: { answer: ReceiverAnswer }) {
  const { responseBody, error } = props.answer;
  return (
    <>
      {error ? <p class="answer-error">{error}</p> : null}
      {responseBody ? <pre class="excerpt">{excerpt(responseBody)}</pre> : null}
      {!error && !responseBody ? <span class="hint">(empty)</span> : null}
    </>
  );
}

/** One answer as facts (a test send's result). */
export function AnswerFacts(props: { answer: ReceiverAnswer; label: string }) {
  return (
    <section class="answer" aria-label={props.label}>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <AnswerStatus answer={props.answer} />
        </dd>
        <dt>Duration</dt>
        <dd>{props.answer.durationMs} ms</dd>
        <dt>Response</dt>
        <dd>
          <ResponseExcerpt answer={props.answer} />
        </dd>
      </dl>
    </section>
  );
}

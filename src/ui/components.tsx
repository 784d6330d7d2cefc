// Small pieces the console and portal pages share.
import type { Child } from 'hono/jsx';
import type { ProblemBody } from '../api/problem.js';
import { TextInput } from './form-fields.js';
import { CSRF_FIELD } from './session.js';

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

/** A refusal from /v1 shown above a form: what went wrong, and each field at fault. */
export function ProblemSummary(props: { problem: ProblemBody | undefined }) {
  const { problem } = props;
  if (!problem) return null;
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{problem.title}</strong>
        {problem.detail && !problem.errors ? `: ${problem.detail}` : null}
      </p>
      {problem.errors ? (
        <ul>
          {problem.errors.map((error) => (
            <li>
              <code>{error.path}</code>: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A labelled input; `name` doubles as its id (a TextInput without errors: src/ui/form-fields.tsx). */
export function Field(props: {
  label: string;
  name: string;
  type?: string;
  value?: string | undefined;
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  placeholder?: string;
}) {
  return <TextInput {...props} value={props.value ?? ''} />;
}

/** A status as a coloured badge with its word (never colour alone). */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge badge-${props.status.replace(/[^a-z0-9-]/gi, '')}`}>{props.status}</span>;
}

/** A link to the next page of a cursor-paginated list, keeping the other query parameters. */
export function NextPageLink(props: { path: string; query: Record<string, string | undefined>; nextCursor: string | null }) {
  if (!props.nextCursor) return null;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(props.query)) if (value !== undefined && value !== '' && key !== 'cursor') params.set(key, value);
  params.set('cursor', props.nextCursor);
  return (
    <p class="pager">
      <a href={`${props.path}?${params}`}>Next page →</a>
    </p>
  );
}

/** A table that scrolls sideways on a narrow screen instead of breaking the page. */
export function TableWrap(props: { label: string; children?: Child }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

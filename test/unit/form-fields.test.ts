import { describe, expect, it } from 'vitest';
import { errorsFor, formProblem } from '../../src/ui/form-fields.js';

describe('errorsFor', () => {
  const problem = formProblem([
    { path: 'url', message: 'bad url' },
    { path: 'eventTypes.0', message: 'bad pattern' },
    { path: 'headers.X-Team', message: 'reserved' },
    { path: 'urlPrefix', message: 'another field' },
    { path: '', message: 'send at least one field' },
  ]);

  it("takes a field's own errors and those of its items or keys", () => {
    expect(errorsFor(problem, 'url')).toEqual([{ path: 'url', message: 'bad url' }]);
    expect(errorsFor(problem, 'eventTypes')).toEqual([{ path: 'eventTypes.0', message: 'bad pattern' }]);
    expect(errorsFor(problem, 'headers', 'url')).toHaveLength(2);
  });

  it('never takes a field whose name only starts the same, nor a problem without errors', () => {
    expect(errorsFor(problem, 'urlPrefix')).toEqual([{ path: 'urlPrefix', message: 'another field' }]);
    expect(errorsFor(problem, 'description')).toEqual([]);
    expect(errorsFor(undefined, 'url')).toEqual([]);
    expect(errorsFor({ type: 't', title: 'Not found', status: 404 }, 'url')).toEqual([]);
  });
});

describe('formProblem', () => {
  it('is a 422 validation problem carrying the errors', () => {
    expect(formProblem([{ path: 'payload', message: 'not valid JSON' }])).toMatchObject({
      status: 422,
      title: 'The form has errors',
      errors: [{ path: 'payload', message: 'not valid JSON' }],
    });
  });
});

// The portal's pure pieces: endpoint form fields to /v1 bodies, the resend
// summary, and response excerpts.
import { describe, expect, it } from 'vitest';
import { excerpt } from '../../src/ui/portal/answer.js';
import {
  chosenEventTypes,
  createEndpointBody,
  endpointFormValues,
  tickedIds,
  updateEndpointBody,
  valuesOfEndpoint,
} from '../../src/ui/portal/endpoint-input.js';
import { resendSummary, SHOWN_REFUSALS } from '../../src/ui/portal/resend-summary.js';

describe('endpoint form values', () => {
  it('reads one ticked box, several, or none, and trims the text fields', () => {
    expect(endpointFormValues({ url: ' https://a.example/h ', description: ' d ', eventTypes: 'order.created' })).toEqual({
      url: 'https://a.example/h',
      description: 'd',
      eventTypes: ['order.created'],
      otherEventTypes: '',
    });
    expect(endpointFormValues({ eventTypes: ['a.b', 'c.d'], otherEventTypes: 'x.*' }).eventTypes).toEqual(['a.b', 'c.d']);
    expect(endpointFormValues({})).toEqual({ url: '', description: '', eventTypes: [], otherEventTypes: '' });
  });

  it('ignores uploaded files in place of text', () => {
    const file = new File(['x'], 'x.txt');
    expect(endpointFormValues({ url: file, eventTypes: [file, 'a.b'] })).toMatchObject({ url: '', eventTypes: ['a.b'] });
  });

  it('joins ticked and typed types, split on commas and spaces, each once, in order', () => {
    const values = { url: '', description: '', eventTypes: ['a.b', 'c.d'], otherEventTypes: ' x.*, a.b  *,,' };
    expect(chosenEventTypes(values)).toEqual(['a.b', 'c.d', 'x.*', '*']);
    expect(chosenEventTypes({ ...values, eventTypes: [], otherEventTypes: '   ' })).toEqual([]);
  });

  it('leaves an empty description out of a new endpoint, and clears it on an edit', () => {
    const values = { url: 'https://a.example/h', description: '', eventTypes: ['a.b'], otherEventTypes: '' };
    expect(createEndpointBody(values)).toEqual({ url: 'https://a.example/h', eventTypes: ['a.b'] });
    expect(createEndpointBody({ ...values, description: 'mine' })).toEqual({ url: 'https://a.example/h', eventTypes: ['a.b'], description: 'mine' });
    expect(updateEndpointBody(values)).toEqual({ url: 'https://a.example/h', eventTypes: ['a.b'], description: null });
    expect(updateEndpointBody({ ...values, description: 'mine' }).description).toBe('mine');
  });

  it('passes what the API must refuse on unchanged (no types, a bad URL), for /v1 to name the field', () => {
    expect(createEndpointBody({ url: 'not a url', description: '', eventTypes: [], otherEventTypes: '' })).toEqual({
      url: 'not a url',
      eventTypes: [],
    });
  });

  it('fills the edit form from an endpoint: catalog types ticked, patterns and unknown types typed', () => {
    const catalog = new Set(['order.created', 'order.paid']);
    expect(
      valuesOfEndpoint({ url: 'https://a.example/h', description: null, eventTypes: ['order.paid', 'user.*', 'legacy.thing'] }, catalog),
    ).toEqual({
      url: 'https://a.example/h',
      description: '',
      eventTypes: ['order.paid'],
      otherEventTypes: 'user.*, legacy.thing',
    });
    const values = valuesOfEndpoint({ url: 'u', description: 'd', eventTypes: ['order.created', '*'] }, catalog);
    // Saving the form unchanged keeps the types as they were.
    expect(chosenEventTypes(values)).toEqual(['order.created', '*']);
  });

  it('reads the ticked ids of a list, each once', () => {
    expect(tickedIds({ ids: ['d1', 'd2', 'd1'] })).toEqual(['d1', 'd2']);
    expect(tickedIds({ ids: 'd1' })).toEqual(['d1']);
    expect(tickedIds({})).toEqual([]);
  });
});

describe('resend summary', () => {
  it('says how many were resent, and which were not and why', () => {
    expect(resendSummary([])).toBe('Nothing selected: tick the deliveries to resend');
    expect(resendSummary([{ id: 'd1', ok: true }])).toBe('Resent 1 delivery');
    expect(
      resendSummary([
        { id: 'd1', ok: true },
        { id: 'd2', ok: true },
      ]),
    ).toBe('Resent 2 deliveries');
    expect(
      resendSummary([
        { id: 'd1', ok: true },
        { id: 'd2', ok: false, reason: 'still pending' },
      ]),
    ).toBe('Resent 1 of 2 deliveries; not resent: d2: still pending');
    expect(resendSummary([{ id: 'd1', ok: false, reason: 'gone' }])).toBe('Resent 0 of 1 delivery; not resent: d1: gone');
  });

  it('names a few refusals and counts the rest, to fit in a cookie', () => {
    const refused = Array.from({ length: SHOWN_REFUSALS + 3 }, (_, i) => ({ id: `d${i}`, ok: false as const, reason: 'no' }));
    const summary = resendSummary(refused);
    expect(summary).toContain(`d${SHOWN_REFUSALS - 1}: no`);
    expect(summary).not.toContain(`d${SHOWN_REFUSALS}: no`);
    expect(summary).toMatch(/; and 3 more$/);
  });
});

describe('response excerpt', () => {
  it('keeps a short body whole and cuts a long one with an ellipsis', () => {
    expect(excerpt('ok')).toBe('ok');
    expect(excerpt('abcdef', 6)).toBe('abcdef');
    expect(excerpt('abcdefg', 6)).toBe('abcdef…');
  });
});

import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/schemas/subscription.js';
import {
  createBody,
  EMPTY_FORM,
  eventTypesOf,
  formValues,
  parseHeaderLines,
  patchBody,
  valuesOf,
  type SubscriptionFormValues,
} from '../../src/ui/subscription-form-input.js';

const form = (values: Partial<SubscriptionFormValues>): SubscriptionFormValues => ({ ...EMPTY_FORM, ...values });

const subscription: Subscription = {
  id: 'sub_1',
  tenantId: 'acme',
  url: 'https://acme.example/hooks',
  eventTypes: ['order.created', 'invoice.*', 'order.paid'],
  filter: null,
  description: 'to the ERP',
  headers: { 'X-Team': 'billing', 'X-Env': 'prod' },
  status: 'active',
  retrySchedule: [1, 30],
  timeoutMs: 5000,
  permanentStatusCodes: [],
  rateLimitPerSecond: 2.5,
  disabledReason: null,
  signatureScheme: 'v1',
  publicKey: null,
  ordering: 'fifo',
  onDeadLetter: 'skip',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('formValues', () => {
  it('reads every field as typed, repeated checkboxes as a list', () => {
    const typed: SubscriptionFormValues = {
      tenantId: 'acme',
      url: ' https://x.example ',
      catalogTypes: ['a.b', 'c.d'],
      patterns: 'e.*',
      description: 'd',
      headers: 'X: 1',
      retrySchedule: '1,2',
      timeoutMs: '100',
      rateLimitPerSecond: '3',
      ordering: 'fifo',
      onDeadLetter: 'skip',
      signatureScheme: 'v1a',
    };
    expect(formValues({ ...typed })).toEqual(typed);
  });

  it('takes one ticked checkbox as a list, none as an empty list, and falls back for missing fields', () => {
    expect(formValues({ catalogTypes: 'a.b' }).catalogTypes).toEqual(['a.b']);
    expect(formValues({})).toEqual(EMPTY_FORM);
  });

  it('ignores uploaded files where text is expected', () => {
    const file = new File(['x'], 'x.txt');
    expect(formValues({ url: file, catalogTypes: [file, 'a.b'] })).toMatchObject({ url: '', catalogTypes: ['a.b'] });
  });
});

describe('valuesOf', () => {
  it('ticks the catalog names, puts other types and patterns in the text field, and writes the settings as the form shows them', () => {
    expect(valuesOf(subscription, ['order.created', 'order.paid', 'user.created'])).toEqual({
      tenantId: 'acme',
      url: 'https://acme.example/hooks',
      catalogTypes: ['order.created', 'order.paid'],
      patterns: 'invoice.*',
      description: 'to the ERP',
      headers: 'X-Team: billing\nX-Env: prod',
      retrySchedule: '1, 30',
      timeoutMs: '5000',
      rateLimitPerSecond: '2.5',
      ordering: 'fifo',
      onDeadLetter: 'skip',
      signatureScheme: 'v1',
    });
  });

  it('leaves defaults blank', () => {
    const plain = {
      ...subscription,
      description: null,
      headers: {},
      retrySchedule: null,
      timeoutMs: null,
      rateLimitPerSecond: null,
      onDeadLetter: null,
    };
    expect(valuesOf(plain, [])).toMatchObject({
      description: '',
      headers: '',
      retrySchedule: '',
      timeoutMs: '',
      rateLimitPerSecond: '',
      onDeadLetter: '',
      patterns: 'order.created, invoice.*, order.paid',
    });
  });

  it('round-trips through patchBody', () => {
    const body = patchBody(valuesOf(subscription, ['order.created']));
    expect(body).toEqual({
      ok: true,
      body: {
        url: subscription.url,
        eventTypes: ['order.created', 'invoice.*', 'order.paid'],
        description: 'to the ERP',
        headers: subscription.headers,
        retrySchedule: [1, 30],
        timeoutMs: 5000,
        rateLimitPerSecond: 2.5,
      },
    });
  });
});

describe('eventTypesOf', () => {
  it('puts ticked types first, then patterns split on commas and spaces, each once', () => {
    expect(eventTypesOf(form({ catalogTypes: ['a.b'], patterns: ' c.*, a.b  d.e,,\n*' }))).toEqual(['a.b', 'c.*', 'd.e', '*']);
    expect(eventTypesOf(form({}))).toEqual([]);
  });
});

describe('parseHeaderLines', () => {
  it('reads "Name: value" lines, trimming both, skipping blank lines, keeping colons in values', () => {
    expect(parseHeaderLines('X-Team: billing\r\n\n  X-Url :  https://a:1/b  \n')).toEqual({
      headers: { 'X-Team': 'billing', 'X-Url': 'https://a:1/b' },
      errors: [],
    });
  });

  it('allows an empty value', () => {
    expect(parseHeaderLines('X-Empty:')).toEqual({ headers: { 'X-Empty': '' }, errors: [] });
  });

  it('names the line without a colon or without a name', () => {
    expect(parseHeaderLines('X-Ok: 1\nno colon\n: value').errors).toEqual([
      { path: 'headers', message: 'line 2: write each header as "Name: value"' },
      { path: 'headers', message: 'line 3: write each header as "Name: value"' },
    ]);
  });

  it('refuses a name given twice, whatever its case', () => {
    expect(parseHeaderLines('X-A: 1\nx-a: 2')).toEqual({
      headers: { 'X-A': '1' },
      errors: [{ path: 'headers', message: 'line 2: x-a is given twice' }],
    });
  });
});

describe('createBody', () => {
  it('leaves blank optional fields out, so the defaults apply', () => {
    expect(createBody(form({ url: ' https://x.example ', patterns: 'a.b' }))).toEqual({
      ok: true,
      body: { url: 'https://x.example', eventTypes: ['a.b'], headers: {}, ordering: 'none', signatureScheme: 'v1' },
    });
  });

  it('sends every field that was filled in, numbers as numbers', () => {
    expect(
      createBody(
        form({
          tenantId: ' acme ',
          url: 'https://x.example',
          catalogTypes: ['a.b'],
          description: ' d ',
          headers: 'X: 1',
          retrySchedule: '1, 2.5 10',
          timeoutMs: '250',
          rateLimitPerSecond: '0.5',
          ordering: 'fifo',
          onDeadLetter: 'skip',
          signatureScheme: 'v1a',
        }),
      ),
    ).toEqual({
      ok: true,
      body: {
        tenantId: 'acme',
        url: 'https://x.example',
        eventTypes: ['a.b'],
        description: 'd',
        headers: { X: '1' },
        retrySchedule: [1, 2.5, 10],
        timeoutMs: 250,
        rateLimitPerSecond: 0.5,
        ordering: 'fifo',
        onDeadLetter: 'skip',
        signatureScheme: 'v1a',
      },
    });
  });

  it('passes values the API judges (an empty type list, an unknown ordering, a bad URL) on to it unchanged', () => {
    expect(createBody(form({ url: 'not a url', ordering: 'sideways' }))).toEqual({
      ok: true,
      body: { url: 'not a url', eventTypes: [], headers: {}, ordering: 'sideways', signatureScheme: 'v1' },
    });
  });

  it('refuses what the form cannot read, naming each field, and sends nothing', () => {
    expect(createBody(form({ headers: 'oops', retrySchedule: '1, soon', timeoutMs: 'fast', rateLimitPerSecond: '1e999' }))).toEqual({
      ok: false,
      errors: [
        { path: 'headers', message: 'line 1: write each header as "Name: value"' },
        { path: 'retrySchedule', message: '"soon" is not a number' },
        { path: 'timeoutMs', message: '"fast" is not a number' },
        { path: 'rateLimitPerSecond', message: '"1e999" is not a number' },
      ],
    });
  });
});

describe('patchBody', () => {
  it('sends null for a blank optional field, so it goes back to the default, and leaves create-only fields out', () => {
    expect(patchBody(form({ url: 'https://x.example', patterns: 'a.b', ordering: 'fifo', tenantId: 'acme', signatureScheme: 'v1a' }))).toEqual({
      ok: true,
      body: {
        url: 'https://x.example',
        eventTypes: ['a.b'],
        description: null,
        headers: {},
        retrySchedule: null,
        timeoutMs: null,
        rateLimitPerSecond: null,
      },
    });
  });

  it('refuses what the form cannot read', () => {
    expect(patchBody(form({ timeoutMs: '1O0' }))).toEqual({ ok: false, errors: [{ path: 'timeoutMs', message: '"1O0" is not a number' }] });
  });
});

// The customer portal's part of `npm run screenshots`: a tenant with a
// catalog type, two endpoints and a delivery, and the link its customer opens.
type Call = (method: string, route: string, body?: unknown) => Promise<any>;

export async function portalScene(call: Call, receiverBase: string): Promise<{ enterPath: string; endpointId: string; endpointUrl: string }> {
  await call('POST', '/v1/event-types', {
    name: 'invoice.paid',
    description: 'An invoice was paid in full.',
    schema: {
      type: 'object',
      properties: { invoiceId: { type: 'string' }, amount: { type: 'string' }, currency: { type: 'string' } },
      required: ['invoiceId', 'amount', 'currency'],
    },
    examples: [{ invoiceId: 'inv_1042', amount: '99.00', currency: 'EUR' }],
  });
  const tenant = await call('POST', '/v1/tenants', { id: 'acme', name: 'Acme Inc.' });
  const endpoint = await call('POST', '/v1/subscriptions', {
    tenantId: tenant.id,
    url: `${receiverBase}/acme/invoices`,
    eventTypes: ['invoice.paid'],
    description: 'Accounting system',
  });
  const spare = await call('POST', '/v1/subscriptions', { tenantId: tenant.id, url: `${receiverBase}/acme/staging`, eventTypes: ['invoice.*'] });
  await call('PATCH', `/v1/subscriptions/${spare.id}`, { status: 'paused' });
  await call('POST', '/v1/events', {
    tenantId: tenant.id,
    type: 'invoice.paid',
    payload: { invoiceId: 'inv_1042', amount: '99.00', currency: 'EUR' },
  });
  const { token } = await call('POST', `/v1/tenants/${tenant.id}/portal-token`, {});
  return { enterPath: `/portal/enter#token=${encodeURIComponent(token)}`, endpointId: endpoint.id, endpointUrl: endpoint.url };
}

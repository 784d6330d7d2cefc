// Signing secrets: sealed at rest, rotated with an overlap in which receivers
// verify with either secret, and never seen in logs, API answers (but the
// three that exist to show them), Temporal histories, or Postgres in clear.
import { describe, expect, it } from 'vitest';
import { createSecretBox, generateEncryptionKey } from '../../src/crypto/secret-box.js';
import { parseKeyring } from '../../src/crypto/keyring.js';
import { historiesAsText } from '../support/histories.js';
import { useSignedTraffic } from '../support/signed-traffic.js';
import { uniqueName } from '../support/stack.js';
import { v1Verifies } from '../support/v1-verifier.js';

const traffic = useSignedTraffic();
const { recorded, publishAndReceive, logLines, apiAnswers } = traffic;

const verifies = v1Verifies;

describe('signing secrets', () => {
  const secrets: string[] = [];

  it('rotates with an overlap: both secrets verify during it, only the new one after', async () => {
    const type = `${uniqueName('rot')}.event`;
    const { body: created } = await traffic.stack.api('POST', '/v1/subscriptions', { url: traffic.receiver.url, eventTypes: [type] });
    const oldSecret: string = created.secret;
    secrets.push(oldSecret);

    const before = await publishAndReceive(type, 1);
    expect(verifies(oldSecret, before)).toBe(true);
    expect(String(before.headers['webhook-signature']).split(' ')).toHaveLength(1);

    const { status, body: rotated } = await traffic.stack.api('POST', `/v1/subscriptions/${created.id}/secret/rotate`, { overlapSeconds: 2 });
    expect(status).toBe(200);
    const newSecret: string = rotated.secret;
    secrets.push(newSecret);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(0);
    expect((await traffic.stack.api('GET', `/v1/subscriptions/${created.id}/secret`)).body).toEqual({ secret: newSecret });

    const during = await publishAndReceive(type, 2);
    const signatures = String(during.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(verifies(newSecret, during)).toBe(true);
    expect(verifies(oldSecret, during)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const after = await publishAndReceive(type, 3);
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(newSecret, after)).toBe(true);
    expect(verifies(oldSecret, after)).toBe(false);

    // Reading everything back through the API, for the scan below.
    await recorded('GET', `/v1/subscriptions/${created.id}`);
    await recorded('GET', '/v1/subscriptions');
    await recorded('PATCH', `/v1/subscriptions/${created.id}`, { description: 'rotated' });
    const deliveries = await recorded('GET', `/v1/deliveries?subscriptionId=${created.id}`);
    for (const d of deliveries.body.data) await recorded('GET', `/v1/deliveries/${d.id}`);
  });

  it('keeps secrets out of logs, API answers, Temporal histories and Postgres', async () => {
    expect(secrets).toHaveLength(2);
    const needles = secrets.flatMap((secret) => [secret, secret.slice('whsec_'.length)]);

    expect(logLines.length).toBeGreaterThan(0);
    const histories = await historiesAsText(traffic.stack);
    // 3 event workflows, each holding its first attempt's local activity (the default mode).
    expect(histories.length).toBeGreaterThanOrEqual(3);
    const { rows } = await traffic.stack.pool.query('SELECT row_to_json(s)::text AS row FROM subscriptions s');

    const haystacks = {
      logs: logLines.join('\n'),
      api: apiAnswers.join('\n'),
      temporal: histories.join('\n'),
      postgres: rows.map((r) => r.row).join('\n'),
    };
    // The haystacks are real: they hold what a leak would sit next to.
    expect(haystacks.logs).toContain('delivery attempt');
    expect(haystacks.temporal).toContain('firstAttempts');
    // The first attempt's outcome, decoded from its marker (quotes escaped inside the JSON string).
    expect(haystacks.temporal).toMatch(/\\"kind\\":\\"succeeded\\"/);
    expect(haystacks.postgres).toContain('sealed_secret');
    for (const [where, text] of Object.entries(haystacks)) {
      for (const needle of needles) expect({ where, leaked: text.includes(needle) }).toEqual({ where, leaked: false });
    }
  });

  it('seals secrets so that another key, or another row, cannot open them', async () => {
    const { rows } = await traffic.stack.pool.query<{ id: string; sealed_secret: string }>('SELECT id, sealed_secret FROM subscriptions LIMIT 1');
    const { id, sealed_secret } = rows[0]!;
    expect(traffic.stack.apiDeps.secretBox.open(sealed_secret, id)).toBe(secrets[1]);
    // Another key: it names another id, so it is refused by id; and under the sealed value's own id, by GCM.
    expect(() => createSecretBox(generateEncryptionKey()).open(sealed_secret, id)).toThrow('which is not in the keyring');
    const keyId = sealed_secret.split('.')[1]!;
    expect(() => createSecretBox(parseKeyring(`${keyId}:${generateEncryptionKey()}`)).open(sealed_secret, id)).toThrow('does not open');
    expect(() => traffic.stack.apiDeps.secretBox.open(sealed_secret, 'sub_other')).toThrow('does not open');
  });
});

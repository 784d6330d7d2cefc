-- Each subscription signs with one Standard Webhooks scheme: v1 (HMAC-SHA256,
-- a secret shared with the receiver) or v1a (ed25519). For v1a, sealed_secret
-- (and previous_sealed_secret during a rotation's overlap) holds the sealed
-- `whsk_` private key, and public_key the `whpk_` key receivers verify with:
-- public by nature, so kept in clear for the read model to show.
ALTER TABLE subscriptions
  ADD COLUMN signature_scheme text NOT NULL DEFAULT 'v1' CHECK (signature_scheme IN ('v1', 'v1a')),
  ADD COLUMN public_key text,
  ADD CONSTRAINT subscriptions_public_key_iff_v1a CHECK ((signature_scheme = 'v1a') = (public_key IS NOT NULL));

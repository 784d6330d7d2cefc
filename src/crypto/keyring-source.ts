// Where the running process gets its keyring: HOOKFLOW_ENCRYPTION_KEYS, the
// file HOOKFLOW_ENCRYPTION_KEYS_FILE names (e.g. a mounted Kubernetes
// secret), or the single HOOKFLOW_ENCRYPTION_KEY of before.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { KeyringError, parseKeyring, singleKeyring, type Keyring } from './keyring.js';

export type KeyringSettings = Pick<Config, 'encryptionKey' | 'encryptionKeys' | 'encryptionKeysFile'>;

/** The keyring, or undefined when no key is configured at all. */
export async function loadKeyring(settings: KeyringSettings): Promise<Keyring | undefined> {
  const given = [settings.encryptionKeys, settings.encryptionKeysFile, settings.encryptionKey].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw new KeyringError('set one of HOOKFLOW_ENCRYPTION_KEYS, HOOKFLOW_ENCRYPTION_KEYS_FILE and HOOKFLOW_ENCRYPTION_KEY, not several');
  }
  if (settings.encryptionKeys !== undefined) return parseKeyring(settings.encryptionKeys);
  if (settings.encryptionKeysFile !== undefined) {
    const text = await readFile(settings.encryptionKeysFile, 'utf8');
    try {
      return parseKeyring(text);
    } catch (error) {
      throw new KeyringError(`${settings.encryptionKeysFile}: ${(error as Error).message}`);
    }
  }
  return settings.encryptionKey === undefined ? undefined : singleKeyring(settings.encryptionKey);
}

export async function requireKeyring(settings: KeyringSettings): Promise<Keyring> {
  const keyring = await loadKeyring(settings);
  if (keyring === undefined) {
    throw new Error('HOOKFLOW_ENCRYPTION_KEY (32 random bytes, base64: openssl rand -base64 32) or HOOKFLOW_ENCRYPTION_KEYS is required');
  }
  return keyring;
}

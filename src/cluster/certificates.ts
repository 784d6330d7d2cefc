// A private CA and the certificates of a cluster started with --tls: the
// Temporal frontend's (for localhost and 127.0.0.1) and one client
// certificate that hookflow's processes, the Web UI and Temporal's own system
// worker present. Made once with openssl and kept in the data directory;
// production brings its own from its PKI (the same TEMPORAL_TLS_* settings).
import { spawnSync } from 'node:child_process';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Progress } from '../dev/progress.js';

export interface ClusterCertificates {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** The name the server's certificate is issued to (what clients check). */
  serverName: string;
}

const DAYS = '825';

export async function ensureClusterCertificates(dir: string, progress: Progress): Promise<ClusterCertificates> {
  const file = (name: string) => path.join(dir, name);
  const certificates: ClusterCertificates = {
    caFile: file('ca.pem'),
    serverCertFile: file('server.pem'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.pem'),
    clientKeyFile: file('client.key'),
    serverName: 'localhost',
  };
  // client.pem is written last: its presence means the whole set was made.
  const made = await access(certificates.clientCertFile).then(
    () => true,
    () => false,
  );
  if (made) return certificates;

  progress(`creating a private CA and TLS certificates in ${dir} (openssl)`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    DAYS,
    '-subj',
    '/CN=hookflow cluster CA',
    '-keyout',
    file('ca.key'),
    '-out',
    certificates.caFile,
  ]);
  await issue('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await issue('client', 'hookflow', 'extendedKeyUsage=clientAuth\n');
  return certificates;

  async function issue(name: string, commonName: string, extensions: string): Promise<void> {
    await writeFile(file(`${name}.ext`), extensions);
    openssl([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      certificates.caFile,
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      DAYS,
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.pem`),
    ]);
  }
}

function openssl(args: string[]): void {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`openssl is needed for --tls and could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

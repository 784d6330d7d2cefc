// Optional (--soak-seconds): a steady publish rate for a long time, sampling
// the resident memory of API and worker every 10 s, to show it stays flat.
import { printProgress as progress } from '../../src/dev/progress.js';
import { startReceiver } from '../support/receiver.js';
import { publishAtRate, type Call } from './publish.js';
import { rssMiB } from './stats.js';

export async function soak(call: Call, pids: { api: number; worker: number }, seconds: number, rate: number, eventType: string) {
  const receiver = await startReceiver();
  try {
    await call('POST', '/v1/subscriptions', { url: receiver.url, eventTypes: [eventType] });
    progress(`soak: ${rate} events/s for ${seconds} s, sampling memory every 10 s`);
    const samples: Array<{ at: number; apiRssMiB: number; workerRssMiB: number; delivered: number }> = [];
    let delivered = 0;
    const sampler = setInterval(() => {
      delivered += receiver.requests.length;
      receiver.requests.length = 0; // keep the bench's own memory flat
      samples.push({ at: (samples.length + 1) * 10, apiRssMiB: rssMiB(pids.api), workerRssMiB: rssMiB(pids.worker), delivered });
      const s = samples.at(-1)!;
      progress(`  soak t=${s.at}s api ${s.apiRssMiB} MiB, worker ${s.workerRssMiB} MiB, delivered ${s.delivered}`);
    }, 10_000);
    await publishAtRate(call, eventType, Math.round(rate * seconds), rate);
    clearInterval(sampler);
    return { seconds, rate, samples };
  } finally {
    await receiver.close();
  }
}

// Sums .cpuprofile files (test/bench/cpu-profile.cjs) into where the CPU went:
// the share of busy time (idle left out) by package or hookflow folder, the
// heaviest functions, and for one function its callers.
//
//   node --import tsx test/bench/profile-summary.ts /tmp/hookflow-cpu-profiles/p123-t0-*.cpuprofile
//   node --import tsx test/bench/profile-summary.ts --callers writev /tmp/hookflow-cpu-profiles/p123-t0-*.cpuprofile
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals: files } = parseArgs({
  allowPositionals: true,
  options: { callers: { type: 'string' }, top: { type: 'string', default: '25' } },
});

/** Where a frame's code lives: an npm package, a hookflow folder, Node itself, or the VM. */
function place(frame: ProfileNode['callFrame']): string {
  if (['(idle)', '(garbage collector)', '(program)'].includes(frame.functionName)) return frame.functionName;
  if (!frame.url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url);
  if (pkg) return pkg[1]!;
  if (frame.url.startsWith('node:')) return 'node:' + (frame.url.split(/[:/]/)[1] ?? '');
  const own = /\/(src|activities|workflows|test)\/([^/]+)\//.exec(frame.url);
  return own ? `${own[1]}/${own[2]}` : frame.url.slice(-60);
}

const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
const byCallers = new Map<string, number>();
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
let total = 0;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)!.callFrame;
    total += us;
    add(byPlace, place(frame), us);
    add(byFunction, `${frame.functionName || '(anonymous)'} ${place(frame)}:${frame.lineNumber}`, us);
    if (frame.functionName === values.callers) {
      const chain: string[] = [];
      for (let up = parent.get(id); up !== undefined && chain.length < 9; up = parent.get(up)) {
        const caller = nodes.get(up)!.callFrame;
        chain.push(`${caller.functionName || '(anonymous)'} ${place(caller)}`);
      }
      add(byCallers, chain.join(' < '), us);
    }
  });
}

const busy = total - (byPlace.get('(idle)') ?? 0);
const top = Number(values.top);
const print = (title: string, map: Map<string, number>, of: number) => {
  console.log(`\n${title}`);
  for (const [key, us] of [...map]
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    console.log(`${((us / of) * 100).toFixed(1).padStart(6)} %  ${(us / 1e6).toFixed(2).padStart(7)} s  ${key}`);
  }
};
console.log(`${files.length} profile(s): ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time)`);
print('by package or folder', byPlace, busy);
print('by function (self time)', byFunction, busy);
if (values.callers) print(`callers of ${values.callers}`, byCallers, busy);

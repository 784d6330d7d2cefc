import { readFileSync } from 'node:fs';

/**
 * hookflow's own package.json: one directory up from src/ under tsx, two from
 * dist/src/ when compiled (dist/ holds no package.json of its own).
 */
function ownPackageJson(): { name: string; version: string } {
  for (const candidate of ['../package.json', '../../package.json']) {
    let text: string;
    try {
      text = readFileSync(new URL(candidate, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const parsed = JSON.parse(text) as { name: string; version: string };
    if (parsed.name === 'hookflow') return parsed;
  }
  throw new Error(`hookflow's package.json is neither ../ nor ../../ from ${import.meta.url}`);
}

export const VERSION: string = ownPackageJson().version;

export const USER_AGENT = `hookflow/${VERSION}`;

#!/usr/bin/env node
// The `hookflow` command: runs src/main.ts through tsx in this same process.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');

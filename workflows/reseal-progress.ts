// What `hookflow keys reseal` has done so far: carried from run to run of the
// reseal workflow (continue-as-new), answered to the CLI's query, and put in
// the workflow's memo for the Web UI. Pure and deterministic: workflow code
// and the CLI both use it.

/** A row whose sealed value would not open: why, naming the key id (never a key, never the value). */
export interface Unopenable {
  subscriptionId: string;
  reason: string;
}

/** One activity's page of rows. */
export interface ResealBatch {
  /** The last id looked at; null when the page was empty (nothing left after afterId). */
  lastId: string | null;
  scanned: number;
  resealed: number;
  /** Already under the primary key (or rewritten meanwhile by a signing-secret rotation). */
  skipped: number;
  unopenable: Unopenable[];
}

export interface ResealProgress {
  primaryKeyId: string;
  /** Rows when the reseal started (subscriptions created since are sealed under the primary anyway). */
  total: number;
  scanned: number;
  resealed: number;
  skipped: number;
  unopenable: number;
  /** The first few unopenable rows, for the operator to act on. */
  unopenableSamples: Unopenable[];
  /** Where the next page starts: the keyset cursor. */
  afterId: string | null;
  done: boolean;
}

const MAX_SAMPLES = 20;

export function startProgress(primaryKeyId: string, total: number): ResealProgress {
  return { primaryKeyId, total, scanned: 0, resealed: 0, skipped: 0, unopenable: 0, unopenableSamples: [], afterId: null, done: false };
}

export function addBatch(progress: ResealProgress, batch: ResealBatch): ResealProgress {
  return {
    ...progress,
    scanned: progress.scanned + batch.scanned,
    resealed: progress.resealed + batch.resealed,
    skipped: progress.skipped + batch.skipped,
    unopenable: progress.unopenable + batch.unopenable.length,
    unopenableSamples: [...progress.unopenableSamples, ...batch.unopenable].slice(0, MAX_SAMPLES),
    afterId: batch.lastId ?? progress.afterId,
    done: batch.lastId === null,
  };
}

/** One line for the CLI and the memo, e.g. `120/500 rows looked at: 80 re-sealed under k2, 40 already were, 0 would not open`. */
export function describeProgress(progress: ResealProgress): string {
  const state = progress.done ? 'done' : 'running';
  return (
    `${state}: ${progress.scanned}/${progress.total} rows looked at: ${progress.resealed} re-sealed under ` +
    `${progress.primaryKeyId}, ${progress.skipped} already were, ${progress.unopenable} would not open`
  );
}

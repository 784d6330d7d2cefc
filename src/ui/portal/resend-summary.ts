// The one-line message after resending several deliveries: how many went,
// and for those /v1 refused, which and why.
export type ResendOutcome = { id: string; ok: true } | { id: string; ok: false; reason: string };

export const SHOWN_REFUSALS = 5;

export function resendSummary(outcomes: readonly ResendOutcome[]): string {
  if (outcomes.length === 0) return 'Nothing selected: tick the deliveries to resend';
  const sent = outcomes.filter((outcome) => outcome.ok).length;
  const noun = (n: number) => (n === 1 ? 'delivery' : 'deliveries');
  const head = sent === outcomes.length ? `Resent ${sent} ${noun(sent)}` : `Resent ${sent} of ${outcomes.length} ${noun(outcomes.length)}`;
  const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [`${outcome.id}: ${outcome.reason}`]));
  if (refused.length === 0) return head;
  // The message travels in a cookie (about 4 KiB at most): name a few, count the rest.
  const named = refused.slice(0, SHOWN_REFUSALS).join('; ');
  const more = refused.length - SHOWN_REFUSALS;
  return `${head}; not resent: ${named}${more > 0 ? `; and ${more} more` : ''}`;
}

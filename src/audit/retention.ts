/** The instant before which audit events are past their retention (HOOKFLOW_AUDIT_RETENTION_DAYS). */
export function auditRetentionCutoff(retentionDays: number, now: Date): Date {
  return new Date(now.getTime() - retentionDays * 24 * 3600 * 1000);
}

// A timestamp from a request as PostgreSQL should read it. RFC 3339 allows
// any offset up to ±23:59, PostgreSQL only up to ±15:59 (it refuses the rest
// with an error, not a 422): as a Date, pg sends it in UTC, which it always takes.
export function instant(timestamp: string | undefined): Date | null {
  return timestamp === undefined ? null : new Date(timestamp);
}

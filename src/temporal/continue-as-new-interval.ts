// How soon a run that continued as new may start its first workflow task.
//
// The Temporal server holds a continued run's first task until a minimal
// interval after the previous run's start (history.workflowIdReuseMinimalInterval,
// 1 s by default), a guard against workflows that continue as new in a tight
// loop. hookflow's loops are bounded (an event's fan-out in batches of
// subscribers, a recovery's in batches of dead letters), and under the
// default each batch waited for the second to turn: a fan-out to 1,000
// subscribers ran at 52 deliveries/s whatever the machine, 331/s with 50 ms
// (docs/benchmarks.md, "Wide fan-out"). 50 ms keeps a guard against a loop
// gone wrong while letting a batch start as soon as the last one is done.
// The same setting is the shortest time after a run's start before its
// workflow id may start again (a redelivery's new run of a closed delivery
// workflow; sooner, the server answers "too many starts"): lowering it only
// lets more through.

/** The dynamic config setting, as the dev server's flag and deploy/temporal/dynamicconfig.yaml name it. */
export const CONTINUE_AS_NEW_MIN_INTERVAL_SETTING = 'history.workflowIdReuseMinimalInterval';

/** Its value for hookflow's namespace: a Go duration. */
export const CONTINUE_AS_NEW_MIN_INTERVAL = '50ms';

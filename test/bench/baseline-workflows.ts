// The baselines: hookflow's workflow shapes with nothing of hookflow in them.
// Same server, same worker defaults: what Temporal itself allows.
//  - baselineParent (the `always` shape): a parent starts one child per
//    "subscriber"; each child runs one no-op activity.
//  - baselineLocalParent (the `on-failure` shape when nothing fails): the
//    parent runs one no-op local activity per "subscriber" and starts no child;
//    the activity is given the time the start was sent, so the baseline can
//    report a lag from start to "delivery" as hookflow's scenarios do.
import { ParentClosePolicy, proxyActivities, proxyLocalActivities, startChild } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });
const local = proxyLocalActivities<{ noop(sentAt?: number): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

export async function baselineParent(input: { id: string; children: number }): Promise<void> {
  await Promise.all(
    Array.from({ length: input.children }, (_, i) =>
      startChild(baselineChild, {
        workflowId: `baseline:${input.id}:${i}`,
        args: [],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      }),
    ),
  );
}

export async function baselineChild(): Promise<void> {
  await noop();
}

export async function baselineLocalParent(input: { id: string; children: number; sentAt?: number }): Promise<void> {
  await Promise.all(Array.from({ length: input.children }, () => local.noop(input.sentAt)));
}

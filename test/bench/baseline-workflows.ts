// The baseline: hookflow's workflow shape with nothing of hookflow in it. A
// parent starts one child per "subscriber"; each child runs one no-op
// activity. Same server, same worker settings: what Temporal itself allows.
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30 seconds' });

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

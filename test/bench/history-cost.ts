// What a workflow execution cost Temporal, counted from its history: every
// history event is a persistence write, every workflow or activity task a
// dispatch. Pure, so it can be unit-tested with a hand-built history.
import proto from '@temporalio/proto';

const EventType = proto.temporal.api.enums.v1.EventType;

/** The local activity marker the TypeScript SDK (sdk-core) records. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** The part of a history this reads: what `handle.fetchHistory()` returns, or a history's proto JSON. */
export interface HistoryLike {
  events?: Array<{
    /** The numeric enum from @temporalio/proto, or its name ("EVENT_TYPE_MARKER_RECORDED") in proto JSON. */
    eventType?: number | string | null;
    markerRecordedEventAttributes?: { markerName?: string | null } | null;
  }> | null;
}

export interface HistoryCost {
  executions: number;
  historyEvents: number;
  workflowTasksScheduled: number;
  workflowTasksCompleted: number;
  /** Failed or timed-out workflow tasks (for example a sticky queue timing out): each one repeats work. */
  workflowTasksFailed: number;
  activityTasks: number;
  localActivities: number;
  timers: number;
  childWorkflowStarts: number;
  searchAttributeUpserts: number;
  continuedAsNew: number;
  /** The longest single history among the executions counted. */
  largestHistoryEvents: number;
}

export function emptyCost(): HistoryCost {
  return {
    executions: 0,
    historyEvents: 0,
    workflowTasksScheduled: 0,
    workflowTasksCompleted: 0,
    workflowTasksFailed: 0,
    activityTasks: 0,
    localActivities: 0,
    timers: 0,
    childWorkflowStarts: 0,
    searchAttributeUpserts: 0,
    continuedAsNew: 0,
    largestHistoryEvents: 0,
  };
}

function typeOf(eventType: number | string | null | undefined): number | undefined {
  if (typeof eventType === 'number') return eventType;
  if (typeof eventType === 'string') return (EventType as unknown as Record<string, number>)[eventType];
  return undefined;
}

/** The cost of one execution (one run). */
export function historyCost(history: HistoryLike): HistoryCost {
  const cost = emptyCost();
  const events = history.events ?? [];
  cost.executions = 1;
  cost.historyEvents = events.length;
  cost.largestHistoryEvents = events.length;
  for (const event of events) {
    switch (typeOf(event.eventType)) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        cost.workflowTasksScheduled += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        cost.workflowTasksCompleted += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        cost.workflowTasksFailed += 1;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        cost.activityTasks += 1;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED:
        if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) cost.localActivities += 1;
        break;
      case EventType.EVENT_TYPE_TIMER_STARTED:
        cost.timers += 1;
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        cost.childWorkflowStarts += 1;
        break;
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        cost.searchAttributeUpserts += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        cost.continuedAsNew += 1;
        break;
    }
  }
  return cost;
}

/** Sums costs; the largest history is the largest of any. */
export function addCosts(a: HistoryCost, b: HistoryCost): HistoryCost {
  const sum = emptyCost();
  for (const key of Object.keys(sum) as Array<keyof HistoryCost>) {
    sum[key] = key === 'largestHistoryEvents' ? Math.max(a[key], b[key]) : a[key] + b[key];
  }
  return sum;
}

export interface CostPerDelivery {
  historyEventsPerDelivery: number;
  workflowTasksPerDelivery: number;
  /** Only differs from workflowTasksPerDelivery when tasks failed or were still open. */
  workflowTasksScheduledPerDelivery: number;
  activityTasksPerDelivery: number;
  executionsPerDelivery: number;
  localActivitiesPerDelivery: number;
  timersPerDelivery: number;
  childWorkflowStartsPerDelivery: number;
  searchAttributeUpsertsPerDelivery: number;
}

/** Totals divided by the number of successful deliveries (three decimals: 1/300 must not vanish). */
export function perDelivery(total: HistoryCost, deliveries: number): CostPerDelivery {
  const per = (n: number) => (deliveries > 0 ? Math.round((n / deliveries) * 1000) / 1000 : NaN);
  return {
    historyEventsPerDelivery: per(total.historyEvents),
    workflowTasksPerDelivery: per(total.workflowTasksCompleted),
    workflowTasksScheduledPerDelivery: per(total.workflowTasksScheduled),
    activityTasksPerDelivery: per(total.activityTasks),
    executionsPerDelivery: per(total.executions),
    localActivitiesPerDelivery: per(total.localActivities),
    timersPerDelivery: per(total.timers),
    childWorkflowStartsPerDelivery: per(total.childWorkflowStarts),
    searchAttributeUpsertsPerDelivery: per(total.searchAttributeUpserts),
  };
}

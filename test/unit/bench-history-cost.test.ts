// The benchmark's cost per delivery is counted from workflow histories
// (test/bench/history-cost.ts): each kind of event must land in its count.
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { addCosts, emptyCost, historyCost, perDelivery } from '../bench/history-cost.js';

const T = proto.temporal.api.enums.v1.EventType;

const marker = (markerName: string) => ({ eventType: T.EVENT_TYPE_MARKER_RECORDED, markerRecordedEventAttributes: { markerName } });
const task = [T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, T.EVENT_TYPE_WORKFLOW_TASK_STARTED, T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED].map((eventType) => ({
  eventType,
}));

// An event workflow that records the event in a local activity, starts one child, and completes.
const eventWorkflow = {
  events: [
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    ...task,
    marker('core_local_activity'),
    { eventType: T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED },
    { eventType: T.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED },
    ...task,
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED },
  ],
};

// A delivery workflow: one activity, a failed workflow task retried, a timer, a search attribute upsert, a patch marker.
const deliveryWorkflow = {
  events: [
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED },
    { eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED },
    { eventType: T.EVENT_TYPE_WORKFLOW_TASK_STARTED },
    { eventType: T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT },
    ...task,
    marker('core_patch'),
    { eventType: T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED },
    { eventType: T.EVENT_TYPE_ACTIVITY_TASK_STARTED },
    { eventType: T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED },
    ...task,
    { eventType: T.EVENT_TYPE_TIMER_STARTED },
    { eventType: T.EVENT_TYPE_TIMER_FIRED },
    ...task,
    { eventType: T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES },
    { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED },
  ],
};

describe('historyCost', () => {
  it('counts the events, tasks and local activities of one execution', () => {
    expect(historyCost(eventWorkflow)).toEqual({
      ...emptyCost(),
      executions: 1,
      historyEvents: 11,
      largestHistoryEvents: 11,
      workflowTasksScheduled: 2,
      workflowTasksCompleted: 2,
      localActivities: 1,
      childWorkflowStarts: 1,
    });
  });

  it('counts failed tasks, activities, timers and upserts, and ignores markers that are not local activities', () => {
    expect(historyCost(deliveryWorkflow)).toEqual({
      ...emptyCost(),
      executions: 1,
      historyEvents: 21,
      largestHistoryEvents: 21,
      workflowTasksScheduled: 4,
      workflowTasksCompleted: 3,
      workflowTasksFailed: 1,
      activityTasks: 1,
      timers: 1,
      searchAttributeUpserts: 1,
    });
  });

  it('reads event types by name too, as in a history saved as proto JSON', () => {
    const json = {
      events: eventWorkflow.events.map((e) => ({ ...e, eventType: T[e.eventType] })),
    };
    expect(typeof json.events[0]!.eventType).toBe('string');
    expect(historyCost(json)).toEqual(historyCost(eventWorkflow));
  });

  it('counts a history without events as one execution of no events', () => {
    expect(historyCost({})).toEqual({ ...emptyCost(), executions: 1 });
  });
});

describe('cost per delivery', () => {
  it('sums executions and divides by successful deliveries', () => {
    const total = addCosts(addCosts(emptyCost(), historyCost(eventWorkflow)), historyCost(deliveryWorkflow));
    expect(total.executions).toBe(2);
    expect(total.historyEvents).toBe(32);
    expect(total.largestHistoryEvents).toBe(21);
    const per = perDelivery(total, 1);
    expect(per).toMatchObject({
      historyEventsPerDelivery: 32,
      workflowTasksPerDelivery: 5,
      workflowTasksScheduledPerDelivery: 6,
      activityTasksPerDelivery: 1,
      executionsPerDelivery: 2,
      localActivitiesPerDelivery: 1,
    });
    expect(perDelivery(total, 3).historyEventsPerDelivery).toBe(10.667);
    expect(perDelivery(total, 0).historyEventsPerDelivery).toBeNaN();
  });
});

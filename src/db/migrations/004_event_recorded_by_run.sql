-- Which event workflow run recorded the event. A local activity can run twice
-- in one run (its result is lost when the worker dies or Temporal restarts
-- before the workflow task completes); the second time it must fan out
-- again, not take its own first attempt for an earlier run's fan-out.
ALTER TABLE events ADD COLUMN recorded_by_run text;

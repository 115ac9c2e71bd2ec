-- 004: task_failures, one row per failed try of an Airflow task, written by the DAGs' failure callback.

CREATE TABLE task_failures (
    dag_id VARCHAR NOT NULL,
    task_id VARCHAR NOT NULL,
    map_index INTEGER NOT NULL DEFAULT -1,
    run_id VARCHAR NOT NULL,
    try_number INTEGER NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL,
    error VARCHAR,
    log_url VARCHAR,
    PRIMARY KEY (dag_id, task_id, map_index, run_id, try_number)
);
COMMENT ON TABLE task_failures IS 'One row per failed try of an Airflow task (crawl, load, parse, …), so `provnews status` and SQL show what failed and why.';
COMMENT ON COLUMN task_failures.dag_id IS 'DAG the task belongs to (provnews_nightly, provnews_reprocess).';
COMMENT ON COLUMN task_failures.task_id IS 'Task that failed, with its group prefix (crawl.crawl_site, transform.parse, …).';
COMMENT ON COLUMN task_failures.map_index IS 'Index of the mapped task instance (one per site for crawl); -1 for a task that is not mapped.';
COMMENT ON COLUMN task_failures.run_id IS 'Airflow DAG run id (scheduled__…, manual__…); not a crawl_runs.run_id.';
COMMENT ON COLUMN task_failures.try_number IS 'Try of the task that failed, from 1.';
COMMENT ON COLUMN task_failures.failed_at IS 'When the failure was recorded.';
COMMENT ON COLUMN task_failures.error IS 'The exception, in one line: its type and message.';
COMMENT ON COLUMN task_failures.log_url IS 'Address of the try''s log in the Airflow UI.';

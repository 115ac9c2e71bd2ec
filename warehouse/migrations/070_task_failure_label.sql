-- 070: task_failures names the instance of a mapped task (a crawl's site), not only its index.

ALTER TABLE task_failures ADD COLUMN map_label VARCHAR;
COMMENT ON COLUMN task_failures.map_label IS 'Name of the mapped task instance as the Airflow UI shows it (the site of a crawl); NULL for a task that is not mapped.';

"""What provnews's Airflow DAGs share: the writers' pool, crawl retries, assets, the failure callback."""

"""Pure transforms: HTML and text in, records out. No I/O, no Airflow, no Scrapy."""

"""provnews: Vietnamese provincial news, crawled nightly into DuckDB."""

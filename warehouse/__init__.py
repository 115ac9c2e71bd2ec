"""The warehouse: the only code that writes DuckDB."""

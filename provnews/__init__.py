"""provnews: Vietnamese provincial news, crawled nightly into DuckDB."""


class SettingsError(ValueError):
    """An environment variable holds a value provnews can't use (raised when provnews.settings is read)."""

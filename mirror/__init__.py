"""The offline mirror of provincial news sites that demos and crawl tests fetch from."""

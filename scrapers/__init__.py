"""Crawling: site files, the Scrapy spider they drive, and landing files of raw pages."""

"""The `provnews` command: the pipeline's stages, the mirror, and the analyst's entry points."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from provnews import SettingsError


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, no traceback."""


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line and exit 2, as every other bad value is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (--help for usage)\n")


def day(text: str) -> date:
    """An argument that is a day, YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a day as YYYY-MM-DD") from None


def port(text: str) -> int:
    """An argument that is a TCP port, 1–65535."""
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not a port (1-65535)")
    return int(text)


def _known_errors() -> tuple[type[BaseException], ...]:
    import duckdb

    from provnews.extracting import ExtractInputError
    from provnews.stages import ChecksFailed, CrawlFailed
    from scrapers.landing import RunIdError
    from scrapers.site import SiteError
    from transforms.page_cost import PageTooDeep
    from transforms.parse import NotAnArticle
    from warehouse.connection import WarehouseBusy
    from warehouse.schema import SchemaError

    return (
        UsageError,
        ExtractInputError,
        SiteError,
        RunIdError,
        SchemaError,
        WarehouseBusy,
        NotAnArticle,
        PageTooDeep,
        ChecksFailed,
        CrawlFailed,
        # Files and disks: missing, taken, not a folder, not allowed, full.
        OSError,
        duckdb.Error,
    )


def command_run(arguments: argparse.Namespace) -> int:
    from provnews.running import run_pipeline

    sites = _known_sites(arguments.sites) if arguments.sites is not None else None
    summary = run_pipeline(sites=sites, with_mirror=arguments.with_mirror)
    return 0 if summary.succeeded else 1


def command_crawl(arguments: argparse.Namespace) -> int:
    from provnews import stages

    outcome = stages.crawl(arguments.site, run_id=arguments.run_id)
    print(json.dumps(outcome, ensure_ascii=False, indent=2))
    return 0


def command_stage(name: str) -> Callable[[argparse.Namespace], int]:
    def run_stage(arguments: argparse.Namespace) -> int:
        from provnews import stages

        options = {
            key: value
            for key, value in vars(arguments).items()
            if key in {"sites", "from_date", "to_date", "reparse", "reextract"} and value is not None
        }
        if isinstance(options.get("sites"), str):
            options["sites"] = _known_sites(options["sites"])
        if options.get("from_date") and options.get("to_date") and options["from_date"] > options["to_date"]:
            raise UsageError(f"--from-date {options['from_date']} is after --to-date {options['to_date']}")
        result = getattr(stages, name)(**options)
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        return 0

    return run_stage


def _known_sites(names: str) -> list[str]:
    """The comma-separated site names, each one a site file; UsageError names any unknown one."""
    from scrapers.site import load_sites

    wanted = [name.strip() for name in names.split(",") if name.strip()]
    known = load_sites()
    unknown = [name for name in wanted if name not in known]
    if unknown or not wanted:
        raise UsageError(
            f"unknown site {', '.join(repr(name[:60]) for name in unknown) or '(none given)'} "
            f"(known: {', '.join(sorted(known))})"
        )
    return wanted


def command_serve_mirror(arguments: argparse.Namespace) -> int:
    from provnews import settings
    from mirror.server import serve_forever

    if arguments.pidfile:
        Path(arguments.pidfile).parent.mkdir(parents=True, exist_ok=True)
        Path(arguments.pidfile).write_text(str(os.getpid()))
    print(f"mirror: serving on http://{settings.MIRROR_HOST}:{arguments.port}/", flush=True)
    serve_forever(arguments.port, faults=arguments.faults)
    return 0


def command_extract(arguments: argparse.Namespace) -> int:
    from provnews.extracting import extract_to_json

    print(extract_to_json(arguments.file_or_url, url=arguments.url, site_name=arguments.site))
    return 0


def command_sql(arguments: argparse.Namespace) -> int:
    from provnews import settings
    from provnews.analysis import run_sql

    return run_sql(settings.PUBLISHED_WAREHOUSE, arguments.query)


def command_status(arguments: argparse.Namespace) -> int:
    from provnews import settings
    from provnews.analysis import print_status

    print_status(settings.PUBLISHED_WAREHOUSE if arguments.published else settings.WAREHOUSE)
    return 0


def command_export(arguments: argparse.Namespace) -> int:
    from provnews import settings
    from warehouse.export import export_parquet

    if arguments.format != "parquet":
        raise UsageError(f"unknown export format '{arguments.format}' (known: parquet)")
    out = Path(arguments.out) if arguments.out else settings.DATA_DIR / "export"
    for path in export_parquet(settings.PUBLISHED_WAREHOUSE, out, include_all=arguments.all):
        print(path)
    return 0


def command_sites(arguments: argparse.Namespace) -> int:
    from provnews import settings
    from provnews.site_health import sites_table

    print(sites_table(settings.PUBLISHED_WAREHOUSE, as_json=arguments.json))
    return 0


def command_check_site(arguments: argparse.Namespace) -> int:
    from provnews.site_health import check_site

    print(check_site(arguments.site, arguments.file_or_url, as_json=arguments.json))
    return 0


def command_browse(arguments: argparse.Namespace) -> int:
    from provnews import settings
    from provnews.browse import serve
    from warehouse.browse_edition import write_browse_edition

    if arguments.write_only:
        edition = write_browse_edition(settings.PUBLISHED_WAREHOUSE)
        print(f"{edition.path}: {len(edition.tables)} tables, {edition.stories_indexed} stories indexed "
              f"in {edition.seconds:.2f} s")
        return 0
    serve(settings.PUBLISHED_WAREHOUSE, arguments.port)
    return 0


def command_dictionary(arguments: argparse.Namespace) -> int:
    from warehouse.dictionary import DICTIONARY, fresh_dictionary

    target = Path(arguments.out) if arguments.out else DICTIONARY
    text, missing = fresh_dictionary()
    if missing:
        raise UsageError(f"no comment on {', '.join(missing)}: add COMMENT ON where it is created")
    if arguments.check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            raise UsageError(f"{target} differs from the warehouse's comments: run `provnews dictionary`")
        print(f"{target} is up to date")
        return 0
    target.write_text(text, encoding="utf-8")
    print(target)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from provnews import settings

    parser = OneLineParser(
        prog="provnews", description="Vietnamese provincial news, crawled nightly into DuckDB."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="crawl, load, parse, dedup, facts, check, publish")
    run.add_argument("--sites", help="comma-separated site names (default: tonight's sites)")
    run.add_argument(
        "--with-mirror", action="store_true", help="start the offline mirror for the run"
    )
    run.set_defaults(handler=command_run)

    crawl = commands.add_parser("crawl", help="crawl one site into landing files")
    crawl.add_argument("site", help="the site's name, as its file in scrapers/sites/ is named")
    crawl.add_argument("--run-id", help="the run's id (default: the site and the time, in UTC)")
    crawl.set_defaults(handler=command_crawl)

    for name, help_text in [
        ("load", "load landed runs into the warehouse"),
        ("parse", "parse pending pages into articles"),
        ("dedup", "link duplicate articles"),
        ("facts", "extract facts from articles"),
        ("check", "run the data-quality checks"),
        ("publish", "publish the warehouse for analysts"),
        ("report", "write the HTML report of the published warehouse"),
    ]:
        stage = commands.add_parser(name, help=help_text)
        if name == "parse":
            stage.add_argument("--sites", help="comma-separated site names (default: every site)")
            stage.add_argument(
                "--from-date", dest="from_date", metavar="YYYY-MM-DD", type=day,
                help="only pages fetched on or after this day, in Vietnam time",
            )
            stage.add_argument(
                "--to-date", dest="to_date", metavar="YYYY-MM-DD", type=day,
                help="only pages fetched on or before this day, in Vietnam time",
            )
            stage.add_argument(
                "--reparse", action="store_true", default=None,
                help="parse every page in scope again, not only the pending ones",
            )
        if name == "facts":
            stage.add_argument(
                "--reextract", action="store_true", default=None,
                help="extract the facts of every article again, not only the stale ones",
            )
        stage.set_defaults(handler=command_stage(name))

    serve = commands.add_parser("serve-mirror", help="serve the offline mirror on 127.0.0.1")
    serve.add_argument("--port", type=port, default=settings.MIRROR_PORT, help="default: %(default)s")
    serve.add_argument("--faults", action="store_true", help="also serve the misbehaving site")
    serve.add_argument("--pidfile", help="write the server's PID here")
    serve.set_defaults(handler=command_serve_mirror)

    extract = commands.add_parser("extract", help="one page through parse, captions and facts")
    extract.add_argument("file_or_url")
    extract.add_argument("--url", help="the page's address, when FILE_OR_URL is a file")
    extract.add_argument("--site", help="use this site's selectors (default: found from the URL)")
    extract.set_defaults(handler=command_extract)

    sql = commands.add_parser("sql", help="query the published warehouse (read-only)")
    sql.add_argument("query", nargs="?", help="one query; without it, the DuckDB shell")
    sql.set_defaults(handler=command_sql)

    status = commands.add_parser("status", help="last runs, counts and failures")
    status.add_argument(
        "--published", action="store_true", help="read the published warehouse instead"
    )
    status.set_defaults(handler=command_status)

    export = commands.add_parser("export", help="write the published tables as files")
    export.add_argument("--format", default="parquet", help="file format; parquet, the default, is the only one")
    export.add_argument("--out", help="folder (default: data/export)")
    export.add_argument(
        "--all", action="store_true",
        help="every table and view, the pipeline's own included (default: the analysts' ones)",
    )
    export.set_defaults(handler=command_export)

    sites = commands.add_parser(
        "sites", help="every site: province, kind, family, discovery, last crawl, articles, selector health"
    )
    sites.add_argument("--json", action="store_true", help="one JSON object per site instead of a table")
    sites.set_defaults(handler=command_sites)

    check = commands.add_parser(
        "check-site", help="which selectors of a site and its family match a saved page, and what comes out"
    )
    check.add_argument("site", help="site name (a file of scrapers/sites/)")
    check.add_argument("file_or_url", help="a saved page or an http(s) address")
    check.add_argument("--json", action="store_true", help="the report as JSON")
    check.set_defaults(handler=command_check_site)

    browse = commands.add_parser(
        "browse", help="browse the published warehouse in Datasette on 127.0.0.1 (read-only)"
    )
    browse.add_argument("--port", type=port, default=8001, help="default: %(default)s")
    browse.add_argument(
        "--write-only", action="store_true",
        help="write the browse edition (data/published/browse.sqlite) and exit",
    )
    browse.set_defaults(handler=command_browse)

    dictionary = commands.add_parser(
        "dictionary", help="write docs/dictionary.md from the comments of a fresh warehouse"
    )
    dictionary.add_argument("--out", help="file to write (default: docs/dictionary.md)")
    dictionary.add_argument(
        "--check", action="store_true", help="write nothing; fail if the file is not what it would be"
    )
    dictionary.set_defaults(handler=command_dictionary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # Inside the try: the parser reads settings, and a bad environment variable is one line too.
        arguments = build_parser().parse_args(argv)
        return arguments.handler(arguments)
    except KeyboardInterrupt:
        print("provnews: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if os.environ.get("PROVNEWS_DEBUG"):
            raise
        # DuckDB's messages run over several lines (the query, a caret); the first one says it.
        first_line = next((line for line in str(error).splitlines() if line.strip()), "")
        # A bad setting is checked first: the known errors' modules read the settings again.
        if isinstance(error, SettingsError) or isinstance(error, _known_errors()):
            print(f"provnews: error: {first_line}", file=sys.stderr)
            return 2
        print(
            f"provnews: unexpected {type(error).__name__}: {first_line} "
            "(PROVNEWS_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

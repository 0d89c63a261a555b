"""The `ecodata` command line: parses options, calls the library, prints. Heavy imports stay inside commands."""

from __future__ import annotations

import functools
import gc
import json
import sys
import warnings
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click
from click.core import ParameterSource

from .exits import EXIT_INVALID, EXIT_VALID, CannotRun, GuardedGroup, ended_by_signals
from .maintain.init import init_command
from .package import PackageError, load_package
from .serve.cache import DEFAULT_CACHE_MB


class LocalPath(click.Path):
    """A package's path, a URL kept as it was given for package.find_descriptor to refuse (click.Path
    made `https://x/y` `https:/x/y`, then "no such descriptor file")."""

    def convert(self, value, param, ctx):
        return value if isinstance(value, str) and "://" in value else super().convert(value, param, ctx)


PACKAGE_PATH = LocalPath(path_type=Path)
OUT_FOLDER = click.Path(file_okay=False, path_type=Path)

# Every command names the package the same way: DESCRIPTOR, its last positional argument, optional (the
# current folder by default); the folder it builds into or serves from is --out.
descriptor_argument = click.argument("descriptor", default=".", type=PACKAGE_PATH)
out_option = click.option(
    "--out",
    type=OUT_FOLDER,
    default=Path("dist"),
    show_default=True,
    help="The build folder: replaced whole, and only when the new build succeeds.",
)
quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="No progress bar (it only shows on a terminal anyway)."
)


def format_option(**formats: str):
    """--format, the same in every command: each format (the first is the default) with what it is for."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(formats)),
        default=next(iter(formats)),
        show_default=True,
        help="; ".join(f"{name}: {purpose}" for name, purpose in formats.items()) + ".",
    )


def former_spelling(option: str, parameter: str, now: str, type: click.ParamType):
    """Keep `option`, a former spelling of `parameter`, working for the scripts that still use it: hidden
    from the help, with a warning on stderr; `now` is the spelling to use. Both at once is a usage error."""
    former = f"former_{parameter}"

    def decorate(command):
        @functools.wraps(command)
        def run(**params):
            value = params.pop(former)
            if value is not None:
                if click.get_current_context().get_parameter_source(parameter) is not ParameterSource.DEFAULT:
                    raise click.UsageError(f"{option} is the former spelling of {now}: give one of them")
                click.echo(f"warning: {option} is deprecated; use {now}", err=True)
                params[parameter] = value
            return command(**params)

        return click.option(option, former, type=type, hidden=True)(run)

    return decorate


@contextmanager
def said_on_stdout_too(render=None):
    """A package that cannot be read is said on stderr (exit 2) and, in a format a machine reads, on
    stdout too: `render(message)` (None: the text format, stderr alone)."""
    try:
        yield
    except PackageError as error:
        if render is not None:
            click.echo(render(str(error)))
        raise


def json_error(**empty):
    """`{"error": "…", …}` with a command's usual keys `empty`: what `checks` and `diff` say as JSON."""
    return lambda message: json.dumps({"error": message, **empty}, ensure_ascii=False, indent=2)


@click.group(cls=GuardedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ecodata")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error (exit 3).")
def cli(debug):
    """Validate, build and serve a Frictionless Data Package: Parquet, SQLite and a read-only Datasette.

    DESCRIPTOR is a datapackage.json, .yaml or .yml, or a folder holding one (default: the current folder).
    """
    gc.set_threshold(*GC_THRESHOLDS)
    # frictionless warns of its deprecated properties (`layout`) on stderr, once per reading, in Python's
    # two-line form; the engine's note says who checked them
    warnings.filterwarnings("ignore", category=UserWarning, module=r"frictionless(\.|$)")


# A command is short-lived and makes objects by the million where a package has as many findings: the
# collector's default (a look every 700 new objects) took a third of a run with 1 M errors (5.2 -> 4.0 s).
GC_THRESHOLDS = (50_000, 10, 10)


@cli.command()
@descriptor_argument
@format_option(text="one line per error", json="for machines", github="workflow annotations on the CSV lines")
@click.option(
    "--limit-errors", type=click.IntRange(min=1), help="Show at most N errors (all are still counted)."
)
@click.option(
    "--check", "only", multiple=True, metavar="TYPE", help="Report only this error type (repeatable)."
)
@click.option("--skip", multiple=True, metavar="TYPE", help="Do not report this error type (repeatable).")
@click.option(
    "--max-cell-size",
    type=click.IntRange(min=1),
    help="Longest cell allowed, in characters: runs the cell-size check with this max, declared or not "
    "[default: the package's setting, 10000].",
)
@click.option(
    "--standard",
    is_flag=True,
    help="Run only the standard Table Schema checks, whatever the package declares: frictionless's verdict.",
)
@click.option(
    "--engine",
    type=click.Choice(["arrow", "frictionless"]),
    default="arrow",
    show_default=True,
    help="arrow: the fast column-wise engine; frictionless: frictionless-py itself, the reference.",
)
@click.option("--workers", type=click.IntRange(min=1), help="Processes for the parts of multipart resources.")
@click.option(
    "--dask",
    metavar="SCHEDULER_ADDRESS",
    help="Check the parts on a Dask cluster (pip install 'ecodata[dask]').",
)
@quiet_option
def validate(
    descriptor: Path,
    output_format: str,
    limit_errors,
    only,
    skip,
    max_cell_size: int,
    standard,
    engine,
    workers,
    dask,
    quiet,
):
    """Check DESCRIPTOR and report every error.

    The standard Table Schema checks, then the checks the package declares in its descriptor
    ("ecodata": {"checks": [...]}; `ecodata checks` lists them). Exit 0 when valid, 1 when invalid,
    2 when the package cannot be read, 3 on an internal error.
    """
    from .validate.engine.progress import progress_for
    from .validate.report import CANNOT_RUN_RENDERERS, RENDERERS
    from .validate.run import validate as validate_package
    from .zipped import is_zip, opened

    bar = progress_for(sys.stderr, quiet)
    options = {
        "only": only,
        "skip": skip,
        "max_cell_size": max_cell_size,
        "standard": standard,
        "engine": engine,
    }
    # (a signal while it forks stops it too: exits.Forks); a zip is read from a folder it is extracted to
    with said_on_stdout_too(CANNOT_RUN_RENDERERS.get(output_format)):
        with ended_by_signals(), bar or nullcontext(), opened(descriptor) as package:
            report = validate_package(package, **options, progress=bar, workers=workers, dask=dask)
            if is_zip(descriptor):  # its files are the zip's entries, none in the workspace to annotate
                report.root = None
    click.echo(RENDERERS[output_format](report, limit_errors))
    sys.exit(EXIT_VALID if report.valid else EXIT_INVALID)


@cli.command()
@descriptor_argument
@out_option
@quiet_option
def build(descriptor: Path, out: Path, quiet: bool):
    """Build Parquet, SQLite and a zip from DESCRIPTOR into --out.

    Validates first: only a valid package is built. Writes Parquet, SQLite, Datasette metadata, the
    inspect file, a zip and SHA256SUMS; the previous --out stays intact when anything fails.
    """
    run_build(descriptor, out, quiet)


def run_build(descriptor: Path, out: Path, quiet: bool = False) -> None:
    from .build.dist import BuildError
    from .build.dist import build as build_package
    from .validate.engine.progress import progress_for
    from .validate.report import render_text

    bar = progress_for(sys.stderr, quiet)
    try:
        with ended_by_signals(), bar or nullcontext():  # a stopped build removes its staging folder
            build_package(descriptor, out, progress=bar)
    except BuildError as error:
        click.echo(render_text(error.report), err=True)
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except OSError as error:
        raise CannotRun(f"cannot write {out}: {error.strerror or error}") from None
    click.echo(f"built {out}")


@cli.command()
@descriptor_argument
@out_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface)."
)
@click.option(
    "--port", default=8001, type=click.IntRange(1, 65535), show_default=True, help="Port to listen on."
)
@click.option(
    "--cache-mb",
    default=DEFAULT_CACHE_MB,
    type=click.IntRange(min=0),
    show_default=True,
    help="Memory for replaying anonymous GET responses of the immutable database; 0 turns the cache off.",
)
@former_spelling("--descriptor", "descriptor", "the argument DESCRIPTOR", PACKAGE_PATH)
@former_spelling("--dist", "out", "--out", OUT_FOLDER)
def serve(descriptor: Path, out: Path, host: str, port: int, cache_mb: int):
    """Serve the build of DESCRIPTOR read-only in Datasette.

    Builds into --out first when it is missing or was built from other inputs.
    """
    from .build.dist import check_output_folder, is_stale
    from .serve.app import check_port, run_server

    check_port(host, port)
    if is_stale(descriptor, out):
        check_output_folder(load_package(descriptor), Path(out).resolve())  # refused before "building"
        click.echo(f"{out} is missing or stale: building", err=True)
        run_build(descriptor, out)
    click.echo(f"serving {out} at http://{host}:{port}/ (read-only)", err=True)
    with ended_by_signals():  # uvicorn stops gracefully, then raises the signal again: 130 or 143, not 0
        run_server(out, host, port, cache_mb)


@cli.command()
@descriptor_argument
@format_option(text="for people", json="for machines")
def checks(descriptor: Path, output_format: str):
    """List the checks for DESCRIPTOR and whether each runs.

    Every check ecodata finds (shipped, plugin or validators/), its error types and settings, and why it
    runs on this package or not.
    """
    from .validate.listing import check_listing, render_listing

    with said_on_stdout_too(json_error(checks=[]) if output_format == "json" else None):
        listing = check_listing(load_package(descriptor))
    click.echo(
        json.dumps(listing, ensure_ascii=False, indent=2)
        if output_format == "json"
        else render_listing(listing)
    )


@cli.command()
@click.argument("old", type=PACKAGE_PATH)
@click.argument("new", type=PACKAGE_PATH)
@format_option(text="for people", json="for machines", markdown="for a pull-request comment")
def diff(old: Path, new: Path, output_format: str):
    """Show what changed from OLD to NEW.

    OLD and NEW are each a descriptor, a folder holding one, or a zip from `ecodata build`. Rows added, removed and changed per resource, matched by the primary key, and schema changes.
    Exit 0 when there are no differences, 1 when there are, 2 when a package cannot be read.
    """
    from .maintain.diff import diff_packages
    from .maintain.diff_report import RENDERERS, has_differences

    with (
        ended_by_signals(),
        said_on_stdout_too(json_error(resources={}) if output_format == "json" else None),
    ):
        changes = diff_packages(old, new)
    click.echo(RENDERERS[output_format](changes))
    sys.exit(1 if has_differences(changes) else 0)  # like diff(1)


@cli.command("new-row")
@click.argument("resource")
@descriptor_argument
@click.option("--source", "source_id", help="Id of the source the quote comes from (asked when missing).")
@click.option(
    "--quote", help="The verbatim fragment of the source that states the fact (asked when missing)."
)
@click.option(
    "--set", "assignments", multiple=True, metavar="FIELD=VALUE", help="A cell of the row (repeatable)."
)
@click.option("--yes", is_flag=True, help="Write the row without asking for confirmation.")
@former_spelling("--descriptor", "descriptor", "the argument DESCRIPTOR", PACKAGE_PATH)
def new_row(resource: str, descriptor: Path, source_id, quote, assignments, yes: bool):
    """Add a row to RESOURCE of DESCRIPTOR, with its evidence.

    The quote must be in the source, and the row must validate. Missing cells are asked for; the value and qualifier are suggested from the quote. The row goes in
    at its primary-key position (last in a file not sorted by its key); nothing is written if any check fails.
    """
    from .maintain.new_row import (
        RowError,
        check_fields,
        check_quote,
        check_row,
        editable,
        evidence,
        insert_row,
        sources,
        suggestions,
    )

    package = load_package(descriptor)
    try:
        fields = editable(package, resource)["schema"]["fields"]
    except KeyError:
        raise CannotRun(f"no resource {resource!r} in {package.descriptor_path.name}") from None
    cells = parse_assignments(assignments)
    names = [field["name"] for field in fields]
    try:
        check_fields(resource, names, cells)
        cited = evidence(package, names)
        if not cited and (source_id or quote):
            raise click.UsageError(
                f"--source and --quote give a row's evidence, and {resource} has no source and quote fields "
                "(the package declares no quote-in-source check); give its cells with --set"
            )
        if cited:
            source_field, quote_field = cited["source"], cited["quote"]
            cells[source_field] = (
                source_id or cells.get(source_field) or ask(yes, "--source", ask_source, sources(package))
            )
            cells[quote_field] = (
                quote or cells.get(quote_field) or ask(yes, "--quote", click.prompt, "quote (verbatim)")
            )
            check_quote(package, cells[source_field], cells[quote_field])
            if "value" in names and "value" not in cells and not yes:
                cells.update(ask_value(suggestions(cells[quote_field])))
        for field in fields:
            if field["name"] not in cells and not yes:  # with --yes, cells not given stay empty
                cells[field["name"]] = ask_field(field)
        with ended_by_signals():  # a stopped check removes its scratch copy of the package
            checked = check_row(package, resource, cells)  # before the question: only a row that can go in
        click.echo("\n".join(f"{name}: {cells.get(name, '')}" for name in names))
        if not yes and not click.confirm(f"add this row to {resource}?"):
            click.echo(f"not added: {resource} is unchanged")  # the user's choice, not an error
            return
        with ended_by_signals():  # no temporary file left behind
            number = insert_row(package, checked, cells)
    except RowError as error:
        click.echo(f"Error: row not added: {error}", err=True)
        sys.exit(EXIT_INVALID)
    key = package.table(resource)["schema"].get("primaryKey") or names[:1]  # the row as its key names it
    shown = ", ".join(str(cells.get(name, "")) for name in key)
    click.echo(f"added {shown} to {package.resource(resource)['path']} (row {number})")


def ask(yes: bool, option: str, prompt, *arguments):
    if yes:
        raise click.UsageError(f"{option} is required with --yes")
    return prompt(*arguments)


def parse_assignments(items: tuple[str, ...]) -> dict[str, str]:
    """--set FIELD=VALUE options as cells; a field given twice is refused, not silently the last."""
    cells: dict[str, str] = {}
    for item in items:
        name, separator, value = item.partition("=")
        if not separator or not name.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--set")
        if cells.setdefault(name.strip(), value) != value:
            raise click.BadParameter(
                f"{name.strip()} is given twice ({cells[name.strip()]!r}, {value!r})", param_hint="--set"
            )
    return cells


def ask_source(known: dict[str, dict]) -> str:
    for source, row in known.items():
        click.echo(f"  {source}: {row.get('title_zh', '')} ({row.get('date_published', '')})")
    return click.prompt("source", type=click.Choice(sorted(known)))


def ask_value(suggested) -> dict[str, str]:
    """Offer the numbers the quote states; 0 means a fact without a figure."""
    if not suggested:
        return {"value": ""}
    click.echo("  0: no figure")
    for number, suggestion in enumerate(suggested, start=1):
        marker = f" (marker {suggestion.marker})" if suggestion.marker else ""
        click.echo(f"  {number}: {suggestion.cell} {suggestion.qualifier}{marker}")
    choice = click.prompt("value", type=click.IntRange(0, len(suggested)), default=1)
    if choice == 0:
        return {"value": ""}
    picked = suggested[choice - 1]
    return {"value": picked.cell, "qualifier": picked.qualifier}


def ask_field(field: dict) -> str:
    required = field.get("constraints", {}).get("required", False)
    description = field.get("description", "").split(". ")[0]
    if len(description) > 60:
        description = description[:59] + "…"
    while True:
        asked = f"{field['name']} ({description})" if description else field["name"]
        answer = click.prompt(asked, default="", show_default=False)
        if answer or not required:
            return answer
        click.echo(f"  {field['name']} is required")


@cli.command("release-check")
@descriptor_argument
@click.option(
    "--base", default="HEAD", show_default=True, help="Git revision to compare with (a tag, origin/main)."
)
@former_spelling("--descriptor", "descriptor", "the argument DESCRIPTOR", PACKAGE_PATH)
def release_check(descriptor: Path, base: str):
    """Fail when the data changed but the version did not.

    Compares DESCRIPTOR's data with git revision --base and exits 1 when the version was not bumped
    enough for the change (semantic versioning for data).
    """
    from .maintain.release import release_check as check

    with ended_by_signals():  # a stopped check removes the base revision's checkout
        ok, message = check(descriptor, base)
    click.echo(message, err=not ok)
    sys.exit(EXIT_VALID if ok else EXIT_INVALID)


cli.add_command(init_command)

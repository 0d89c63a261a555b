"""The `ecodata` command line: parses options, calls the library, prints. Heavy imports stay inside commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cache import DEFAULT_CACHE_MB
from .package import PackageError

EXIT_VALID, EXIT_INVALID, EXIT_CANNOT_RUN = 0, 1, 2


class CannotRun(click.ClickException):
    """A one-line error and exit 2: the command could not run at all."""

    exit_code = EXIT_CANNOT_RUN


class GuardedGroup(click.Group):
    """Turns any unexpected exception into a one-line error (exit 2): users never see a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            raise CannotRun(f"unexpected {type(error).__name__}: {error}") from None


descriptor_argument = click.argument(
    "descriptor", default="datapackage.json", type=click.Path(dir_okay=True, path_type=Path)
)


@click.group(cls=GuardedGroup)
@click.version_option(package_name="ecodata")
def cli():
    """Validate, build and serve a source-cited Frictionless Data Package."""


@cli.command()
@descriptor_argument
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text: one line per error; json: for machines; github: workflow annotations on the CSV lines.",
)
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
    default=10_000,
    show_default=True,
    help="Longest cell allowed, in characters.",
)
def validate(descriptor: Path, output_format: str, limit_errors, only, skip, max_cell_size: int):
    """Check DESCRIPTOR (default ./datapackage.json) and report every error.

    Standard Table Schema checks, then the project's checks from validators/. Exit 0 when valid, 1 when
    invalid, 2 when the package cannot be read.
    """
    from .report import RENDERERS
    from .validation import validate as validate_package

    try:
        report = validate_package(descriptor, only=only, skip=skip, max_cell_size=max_cell_size)
    except PackageError as error:
        raise CannotRun(str(error)) from None
    click.echo(RENDERERS[output_format](report, limit_errors))
    sys.exit(EXIT_VALID if report.valid else EXIT_INVALID)


@cli.command()
@descriptor_argument
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True
)
def build(descriptor: Path, out: Path):
    """Build Parquet, SQLite, Datasette metadata, a zip and SHA256SUMS into --out.

    Only a valid package is built; the previous --out stays intact when anything fails.
    """
    run_build(descriptor, out)


def run_build(descriptor: Path, out: Path) -> None:
    from .build import BuildError
    from .build import build as build_package
    from .report import render_text

    try:
        built = build_package(descriptor, out)
    except PackageError as error:
        raise CannotRun(str(error)) from None
    except BuildError as error:
        click.echo(render_text(error.report), err=True)
        click.echo(f"Error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except OSError as error:
        raise CannotRun(f"cannot write {out}: {error.strerror or error}") from None
    click.echo(f"built {built}")


@cli.command()
@click.option(
    "--descriptor", type=click.Path(path_type=Path), default=Path("datapackage.json"), show_default=True
)
@click.option(
    "--dist", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, type=int, show_default=True)
@click.option(
    "--cache-mb",
    default=DEFAULT_CACHE_MB,
    type=click.IntRange(min=0),
    show_default=True,
    help="Memory for replaying anonymous GET responses of the immutable database; 0 turns the cache off.",
)
def serve(descriptor: Path, dist: Path, host: str, port: int, cache_mb: int):
    """Serve the built package read-only in Datasette; builds first when --dist is missing or stale."""
    from .build import is_stale
    from .serve import run_server

    try:
        stale = is_stale(descriptor, dist)
    except PackageError as error:
        raise CannotRun(str(error)) from None
    if stale:
        click.echo(f"{dist} is missing or stale: building", err=True)
        run_build(descriptor, dist)
    click.echo(f"serving {dist} at http://{host}:{port}/ (read-only)", err=True)
    run_server(dist, host, port, cache_mb)

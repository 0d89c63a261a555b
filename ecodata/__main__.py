"""`python -m ecodata`: the same command line as `ecodata`."""

from .cli import cli

if __name__ == "__main__":
    cli(prog_name="ecodata")

"""`ecodata checks`: what would run on a package, where each check comes from, and why it runs or not."""

from __future__ import annotations

from ..package import Package, shown_path
from .plugins import declared_checks, known_checks


def check_listing(package: Package) -> dict:
    known = known_checks(package)
    declared = {check.name: settings for check, settings in declared_checks(package, known)}
    checks = [
        {
            "name": check.name,
            "types": list(check.types),
            "origin": check.origin,
            "runs": check.name in declared,
            "why": f"declared in {package.descriptor_path.name}"
            if check.name in declared
            else "not declared",
            "settings": declared.get(check.name, check.settings),
            "description": check.description,
        }
        for check in sorted(known.values(), key=lambda check: (check.name not in declared, check.name))
    ]
    return {
        "descriptor": shown_path(package.descriptor_path),
        "standard": "always: the Table Schema checks",
        "checks": checks,
    }


def render_listing(listing: dict) -> str:
    lines = [f"checks for {listing['descriptor']}", "runs  standard Table Schema checks (always)"]
    for check in listing["checks"]:
        settings = ", ".join(  # (unset): a setting whose default is worked out, as `sources` is
            f"{key}={'(unset)' if value is None else value}" for key, value in check["settings"].items()
        )
        lines.append(
            f"{'runs' if check['runs'] else '  - '}  {check['name']} [{', '.join(check['types'])}] "
            f"({check['origin']}; {check['why']}){'  ' + settings if check['runs'] and settings else ''}"
        )
    ran = sum(check["runs"] for check in listing["checks"])
    lines.append(
        f'{ran} of {len(listing["checks"])} checks declared; declare more in "ecodata": {{"checks": [...]}}'
    )
    return "\n".join(lines)

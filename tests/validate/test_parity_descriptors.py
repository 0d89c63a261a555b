"""A broken descriptor or schema: the fast engine names the same errors as frictionless, or says what to fix.

Each case pins its findings as well as the agreement of the two engines (tests/parity.py).
"""

from __future__ import annotations

import json

import pytest

from tests.parity import INTEGER_AND_STRING, assert_same_findings, findings, table, write_package

BROKEN_DESCRIPTORS = {
    "unknown field type": ({"fields": [{"name": "a", "type": "colour"}]}, ["t.csv"]),
    "primary key of no field": (
        {"fields": [{"name": "a", "type": "integer"}], "primaryKey": ["z"]},
        ["t.csv"],
    ),
    "schema file that is not there": ("absent-schema.json", ["t.csv"]),
    "parts, unknown field type": ({"fields": [{"name": "a", "type": "colour"}]}, ["t.csv", "t2.csv"]),
}


@pytest.mark.parametrize("schema, paths", BROKEN_DESCRIPTORS.values(), ids=BROKEN_DESCRIPTORS)
def test_a_descriptor_with_errors_gets_those_alone(tmp_path, schema, paths):
    """The descriptor is checked while the files are read; its errors replace whatever the reading met."""
    resource = {**table("t", []), "schema": schema, "path": paths if len(paths) > 1 else paths[0]}
    files = dict.fromkeys(paths, b"a\n1\nx\n1\n")
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert report.findings and all(finding.row is None for finding in report.findings)


@pytest.mark.parametrize("pattern", ["(", "*a", "[z-a]"])
def test_a_pattern_that_is_no_regular_expression_is_a_field_error(tmp_path, pattern):
    """frictionless takes it, then stops with a Python re.error at the first row (docs/parity.md)."""
    fields = [{"name": "code", "type": "string", "constraints": {"pattern": pattern}}]
    descriptor = write_package(tmp_path, [table("t", fields)], {"t.csv": b"code\nab\n"})
    report = findings(descriptor, "arrow")[1]
    assert [finding.type for finding in report.findings] == ["field-error"]
    assert '"code"' in report.findings[0].message and repr(pattern) in report.findings[0].message


# Shapes frictionless's metadata check lets through: it then stops with a Python error (or, for the
# v2 properties it does not know, ignores them); the arrow engine names what to fix before any row.
DEFINITIONS_TO_FIX = {
    "bound not of the type": ({"fields": [{"name": "a", "type": "integer", "constraints": {"maximum": []}}]}, {}, "field-error"),
    "date bound not a date": ({"fields": [{"name": "a", "type": "date", "constraints": {"minimum": "soon"}}]}, {}, "field-error"),
    "categories not a list": ({"fields": [{"name": "a", "type": "integer", "categories": "1,2"}]}, {}, "field-error"),
    "category without value": ({"fields": [{"name": "a", "type": "integer", "categories": [{"label": "x"}]}]}, {}, "field-error"),
    "uniqueKeys of no field": ({"fields": [{"name": "a", "type": "integer"}], "uniqueKeys": [["z"]]}, {}, "schema-error"),
    "uniqueKeys not lists": ({"fields": [{"name": "a", "type": "integer"}], "uniqueKeys": [1, "a"]}, {}, "schema-error"),
    "foreignKeys not a list": ({"fields": [{"name": "a", "type": "integer"}], "foreignKeys": 1.5}, {}, "schema-error"),
    "hash not a text": ({"fields": [{"name": "a", "type": "integer"}]}, {"hash": 1.5}, "resource-error"),
    "uniqueKeys of lists": ({"fields": [{"name": "a", "type": "integer"}], "uniqueKeys": [[["a"]]]}, {}, "schema-error"),
    "yearmonth bound of texts": ({"fields": [{"name": "a", "type": "yearmonth", "constraints": {"minimum": ["2020", "5"]}}]}, {}, "field-error"),
    "NaN bound": ({"fields": [{"name": "a", "type": "number", "constraints": {"minimum": "NaN"}}]}, {}, "field-error"),
    # frictionless itself fails on the hash: the constraints nobody checked must not crash either
    "hash and constraints a list": ({"fields": [{"name": "a", "type": "integer", "constraints": [1]}]}, {"hash": 5}, "resource-error"),
}  # fmt: skip


@pytest.mark.parametrize("schema, properties, kind", DEFINITIONS_TO_FIX.values(), ids=DEFINITIONS_TO_FIX)
def test_a_definition_frictionless_lets_through_is_named(tmp_path, schema, properties, kind):
    resource = {**table("t", []), "schema": schema, **properties}
    descriptor = write_package(tmp_path, [resource], {"t.csv": b"a\n1\n2\n"})
    report = findings(descriptor, "arrow")[1]
    assert [finding.type for finding in report.findings] == [kind] and not report.notes
    assert '"t"' in report.findings[0].message and report.findings[0].path == "datapackage.json"


def test_a_descriptor_frictionless_fails_on_and_nothing_else_explains(tmp_path):
    resource = {**table("t", []), "schema": "absent-schema.json", "hash": 5}
    report = findings(write_package(tmp_path, [resource], {"t.csv": b"a\n1\n"}), "arrow")[1]
    assert [finding.type for finding in report.findings] == ["resource-error"]
    resource["hash"] = "sha256:0"
    resource["schema"] = {"fields": [{"name": "a", "type": "integer"}], "foreignKeys": 1.5, "uniqueKeys": 3}
    report = findings(write_package(tmp_path, [resource], {"t.csv": b"a\n1\n"}), "arrow")[1]
    assert [finding.type for finding in report.findings] == ["schema-error", "schema-error"]


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ({"rows": 5}, ["row-count"]),
        ({"rows": 3}, []),
        ({"fields": 3}, ["field-count"]),
        ({"fields": 2}, []),
        ({"bytes": 0, "rows": 0, "fields": 0}, []),  # 0 is "not set" to frictionless
    ],
    ids=["rows-wrong", "rows-right", "fields-wrong", "fields-right", "zeros"],
)
def test_declared_row_and_field_counts(tmp_path, properties, expected):
    """frictionless checks its own `rows` and `fields` resource properties, as it checks `bytes`."""
    resource = {**table("t", INTEGER_AND_STRING), **properties}
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": b"a,b\n1,x\n2,y\n3,z\n"}))
    assert [finding.type for finding in report.findings] == expected


@pytest.mark.parametrize("properties", [{"path": ""}, {"scheme": "ftp"}], ids=["empty-path", "scheme"])
def test_a_path_frictionless_cannot_open_is_left_to_it(tmp_path, properties):
    resource = {**table("t", INTEGER_AND_STRING), **properties}
    descriptor = write_package(tmp_path, [resource], {"t.csv": b"a,b\nx,y\n"})
    arrow, report = findings(descriptor, "arrow")
    assert arrow == findings(descriptor, "frictionless")[0] and report.notes
    assert [finding.type for finding in report.findings] == ["scheme-error"]


def test_a_schema_and_a_dialect_given_as_yaml_files_are_read(tmp_path):
    """frictionless reads `"schema": "x.schema.yaml"` (its own fixtures do); the engine read it as JSON
    and stopped: exit 3, "a bug in ecodata"."""
    (tmp_path / "t.schema.yaml").write_text(
        "fields:\n  - name: id\n    type: integer\n  - name: name\n    type: string\nprimaryKey: id\n"
    )
    (tmp_path / "t.dialect.yaml").write_text("delimiter: ';'\n")
    resource = {"name": "t", "path": "t.csv", "schema": "t.schema.yaml", "dialect": "t.dialect.yaml"}
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": b"id;name\n1;a\n1;b\nx;c\n"}))
    assert [(finding.type, finding.row, finding.field) for finding in report.findings] == [
        ("primary-key", 3, "id"),
        ("type-error", 4, "id"),
        ("primary-key", 4, "id"),  # a key that is no integer has no value: empty, as frictionless says
    ]


def test_a_format_written_as_the_pre_1_0_drafts_wrote_it_is_read_as_frictionless_reads_it(tmp_path):
    """`"format": "fmt:%d/%m/%Y"`: frictionless drops the `fmt:`; the engine took it as part of the
    pattern and found every date wrong (its two engines disagreed)."""
    fields = [
        {"name": "on", "type": "date", "format": "fmt:%d/%m/%Y"},
        {"name": "at", "type": "time", "format": "fmt:%H:%M"},
    ]
    files = {"t.csv": b"on,at\n31/12/2020,23:59\n2020-12-31,24:00\n"}
    report = assert_same_findings(write_package(tmp_path, [table("t", fields)], files))
    assert [(finding.type, finding.row, finding.field) for finding in report.findings] == [
        ("type-error", 3, "on"),
        ("type-error", 3, "at"),
    ]


@pytest.mark.filterwarnings(
    'ignore:Resource "layout" is deprecated:UserWarning'
)  # (frictionless, in-process)
@pytest.mark.parametrize(
    "properties, content, verdict",
    [
        ({"layout": {"header": False}}, b"1,2\n3,4\n", "valid"),  # frictionless 4's dialect: no header
        ({"layout": {"headerRows": [2]}}, b"# counts\na,b\n3,4\n", "valid"),
        ({"stats": {"bytes": 99, "rows": 7}}, b"a,b\n3,4\n", "invalid"),  # frictionless 5's bytes, rows
        ({"stats": {"bytes": 8, "rows": 1}}, b"a,b\n3,4\n", "valid"),
    ],
)
def test_frictionless_s_own_layout_and_stats_are_left_to_it_with_a_note(
    tmp_path, properties, content, verdict
):
    """Not in the Data Package spec, read by frictionless: the engine ignored them, and found a header
    on the wrong line, or took a wrong declared size for right."""
    import subprocess
    import sys

    resource = table("t", [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]) | properties
    descriptor = write_package(tmp_path, [resource], {"t.csv": content})
    assert bool(findings(descriptor, "frictionless")[0]) == (verdict == "invalid")
    result = subprocess.run(
        [sys.executable, "-m", "ecodata", "validate", str(descriptor)], capture_output=True, text=True
    )
    assert result.stdout.splitlines()[-1].startswith(verdict), result.stdout
    assert "frictionless's own" in result.stdout and "frictionless checked" in result.stdout
    assert result.stderr == "", result.stderr  # no Python warning about a deprecated property


def test_a_hash_no_one_checks_is_said_to_be_unchecked(tmp_path):
    """`sha1:…` and `sha512:…` are hashes the spec allows; frictionless compares none but md5 and
    sha256, and a wrong one passed without a word."""
    from click.testing import CliRunner

    from ecodata.cli import cli

    fields = [{"name": "a", "type": "integer"}]
    resources = [
        table("one", fields) | {"hash": "sha1:" + "0" * 40},
        table("two", fields) | {"path": "one.csv", "hash": "sha256:" + "0" * 64},
        table("three", fields) | {"path": "one.csv", "hash": ":00"},
    ]
    descriptor = write_package(tmp_path, resources, {"one.csv": b"a\n1\n"})
    output = CliRunner().invoke(cli, ["validate", str(descriptor), "--format", "json"]).output
    report = json.loads(output)
    assert report["notes"] == [
        'resource "one": its sha1 hash is not checked (frictionless and ecodata compare md5 and sha256 '
        "hashes); give one of those to have the file checked",
        'resource "three": its hash ":00" names no algorithm, and is not checked',
    ]
    assert [error["type"] for error in report["errors"]] == ["hash-count"]  # the sha256, checked


def test_a_v1_tabular_package_names_each_resource_without_the_profile(tmp_path):
    """frictionless says 'profile "tabular-data-package" requires all the resources to be…' once per
    resource without it, naming none: the same line twice, and no resource to fix."""
    fields = [{"name": "a", "type": "integer"}]
    resources = [
        table("one", fields),
        table("two", fields) | {"profile": "tabular-data-resource"},
        table("three", fields),
    ]
    for resource in resources:
        resource.pop("type", None)
    descriptor = write_package(
        tmp_path, resources, {f"{name}.csv": b"a\n1\n" for name in ("one", "two", "three")}
    )
    document = json.loads(descriptor.read_text())
    del document["$schema"]
    descriptor.write_text(json.dumps(document | {"profile": "tabular-data-package"}))
    for engine in ("arrow", "frictionless"):
        report = findings(descriptor, engine)[1]
        assert [(finding.type, finding.resource) for finding in report.findings] == [
            ("package-error", "one"),
            ("package-error", "three"),
        ], engine
        assert report.findings[0].message.startswith(
            'resource "one" is not "profile": "tabular-data-resource"'
        )


def test_a_field_s_wrong_property_names_the_field_and_its_resource(tmp_path):
    """frictionless's "'%Y-%m-%d' is not one of […] at property 'format'" named neither (datasets/covid-19,
    twice, for two resources): each now is said of its field, in order."""
    fields = [{"name": "Date", "type": "string", "format": "%Y-%m-%d"}, {"name": "n", "type": "integer"}]
    resources = [table("daily", fields), table("weekly", fields) | {"path": "daily.csv"}]
    descriptor = write_package(tmp_path, resources, {"daily.csv": b"Date,n\n2020-01-01,1\n"})
    for engine in ("arrow", "frictionless"):
        report = findings(descriptor, engine)[1]
        assert [(f.type, f.resource, f.field) for f in report.findings] == [
            ("field-error", "daily", "Date"),
            ("field-error", "weekly", "Date"),
        ], engine
        assert report.findings[1].message.startswith("resource \"weekly\": '%Y-%m-%d' is not one of [")

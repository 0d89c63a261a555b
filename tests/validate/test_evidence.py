"""Every shipped row is evidence: its quote is in its source and its value is readable from the quote."""

import pytest
from conftest import ROOT, change_cell, findings

from ecodata.package import load_package
from ecodata.validate.context import Context
from ecodata.validate.plugins import declared_checks

EVIDENCE = ["quote-in-source", "value-in-quote", "subject-in-quote", "source-hash", "list-codes"]


@pytest.mark.parametrize("name", EVIDENCE)
def test_shipped_rows_pass(name):
    package = load_package(ROOT / "datapackage.json")
    declared = {check.name: (check, settings) for check, settings in declared_checks(package)}
    check, settings = declared[name]
    assert list(check.run(Context(package), settings)) == []


def test_every_topic_resource_is_checked_for_evidence():
    context = Context(load_package(ROOT / "datapackage.json"))
    settings = {"quote": "quote", "value": "value", "source": "source_id"}
    checked = {r["name"] for r in context.resources_with(settings, "quote", "value", "source")}
    assert checked == {
        "protected_areas",
        "germplasm_banks",
        "enforcement_actions",
        "international_partnerships",
        "indicators",
    }
    assert sum(len(context.rows(context.resource(name))) for name in checked) >= 40


@pytest.mark.parametrize(
    ("field", "cell", "found"),
    [
        ("value", "475", ["value-not-in-quote"]),  # a changed value
        ("quote", "国家级自然保护区共474个", ["quote-not-in-source"]),  # a paraphrased quote
        ("quote", "国家级自然\n保护区 474 个", []),  # other line breaks and spaces still match
    ],
    ids=["changed-value", "paraphrased-quote", "line-breaks"],
)
def test_an_edited_cell_is_caught_unless_only_whitespace_changed(package_copy, field, cell, found):
    row = change_cell(package_copy, "protected_areas", "pa-national-nature-reserves-count-2018", field, cell)
    assert findings(package_copy) == [(kind, "protected_areas", row, field) for kind in found]


def test_a_tampered_source_is_caught(package_copy):
    source = package_copy.parent / "sources" / "white-paper-2021-excerpt.zh.txt"
    source.write_bytes(source.read_bytes() + b"\n")
    assert findings(package_copy) == [("source-hash-mismatch", "sources", 3, "sha256")]


def test_an_unknown_partner_code_is_caught(package_copy):
    csv_path = package_copy.parent / "resources" / "international_partnerships.csv"
    row_id = next(
        line.split(",")[0] for line in csv_path.read_text(encoding="utf-8").splitlines() if ",FRA," in line
    )
    row = change_cell(package_copy, "international_partnerships", row_id, "partners_iso3", "FRA,XYZ")
    assert findings(package_copy) == [("list-code-error", "international_partnerships", row, "partners_iso3")]


def test_ids_are_unique_across_the_package_and_carry_their_resource_prefix():
    prefixes = {
        "protected_areas": "pa-",
        "germplasm_banks": "gb-",
        "enforcement_actions": "ea-",
        "international_partnerships": "ip-",
        "indicators": "ind-",
    }
    context = Context(load_package(ROOT / "datapackage.json"))
    seen = {}
    for name, prefix in prefixes.items():
        for row in context.rows(context.resource(name)):
            assert row["id"].startswith(prefix), (name, row["id"])
            assert row["id"] not in seen, (row["id"], name, seen.get(row["id"]))
            seen[row["id"]] = name


def test_a_conflict_between_the_documents_stays_visible():
    context = Context(load_package(ROOT / "datapackage.json"))
    rows = {row["id"]: row for row in context.rows(context.resource("germplasm_banks"))}
    crop_2020 = rows["gb-crop-germplasm-long-term-accessions-2020pp"]
    crop_2021 = rows["gb-crop-germplasm-long-term-accessions-2021wp"]
    assert (crop_2020["value"], crop_2020["qualifier"]) == ("510000", "exact")
    assert (crop_2021["value"], crop_2021["qualifier"], crop_2021["as_of"]) == (
        "520000",
        "more_than",
        "2020-12-31",
    )

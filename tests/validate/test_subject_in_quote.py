"""subject-in-quote: a quote names its row's subject, not only its figure (the `quote` field's description).

The mutations put back the quotes an independent fact-check found lacking: each held its figure and
passed every other check, and each is caught now.
"""

import json

import pytest
from conftest import ROOT, change_cell, findings

from ecodata.package import PackageError, load_package
from ecodata.validate.checks import subject_in_quote
from ecodata.validate.context import Context
from ecodata.validate.plugins import declared_checks
from ecodata.validate.run import validate

FOUND_BY_THE_FACT_CHECK = [
    ("germplasm_banks", "gb-pere-david-deer-individuals-2021wp", "总数已突破8000只"),
    (
        "international_partnerships",
        "ip-brigc-activities-2020pp",
        "已有中外合作伙伴150余家，涉及40多个国家，已经开展了10余场活动",
    ),
    (
        "protected_areas",
        "pa-kefz-counties-good-quality-share",
        "每年生态环境质量良好的县域所占比例基本保持在50%以上",
    ),
    ("germplasm_banks", "gb-medicinal-plant-seeds-seedlings-accessions-2021wp", "保存种子种苗1.2万多份"),
    ("indicators", "ind-key-eco-function-zone-transfer-counties", "年度转移支付金额覆盖818个县"),
    (
        "indicators",
        "ind-surface-water-good-quality-change-2015-2020",
        "水体比例分别为83.4%和0.6%，比2015年分别提高17.4个百分点和降低9.1个百分点",
    ),
    ("indicators", "ind-aichi-target-15-progress", "增加生态系统的复原力和碳储量的目标15"),
]

DEER_WITHOUT_ITS_NAME = (
    "germplasm_banks",
    "gb-pere-david-deer-individuals-2021wp",
    "quote",
    "总数已突破8000只",
)


def declare(descriptor, entry):
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    checks = document["ecodata"]["checks"]
    named = [check if isinstance(check, str) else check["name"] for check in checks]
    checks[named.index("subject-in-quote")] = entry
    descriptor.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def test_the_package_declares_it_and_every_shipped_quote_names_its_subject():
    package = load_package(ROOT / "datapackage.json")
    declared = {check.name: (check, settings) for check, settings in declared_checks(package)}
    check, settings = declared["subject-in-quote"]
    assert list(check.run(Context(package), settings)) == []


@pytest.mark.parametrize(("resource", "row_id", "quote"), FOUND_BY_THE_FACT_CHECK, ids=lambda v: str(v)[:40])
def test_a_quote_that_holds_only_its_figure_is_caught(package_copy, resource, row_id, quote):
    row = change_cell(package_copy, resource, row_id, "quote", quote)
    assert findings(package_copy) == [("subject-not-in-quote", resource, row, "quote")]


def test_the_neighbouring_clause_of_the_right_sentence_is_caught(package_copy):
    """Both campaigns are named in one sentence; a row citing the other's clause is caught."""
    row = change_cell(
        package_copy, "enforcement_actions", "ea-green-shield-campaign", "quote", "“碧海”海洋生态环境保护"
    )
    assert findings(package_copy) == [("subject-not-in-quote", "enforcement_actions", row, "quote")]


def test_the_message_says_which_term_is_missing(package_copy):
    change_cell(package_copy, *DEER_WITHOUT_ITS_NAME)
    (finding,) = validate(package_copy).findings
    assert finding.message == (
        "does not name its subject: '麋鹿' from subject_zh/subject_en is not in it; "
        "extend the quote to the clause that names it"
    )


def test_the_opening_term_skips_punctuation_and_latin_letters():
    assert subject_in_quote.opening_term("“碧海”海洋生态环境保护", 2) == "碧海"
    assert (
        subject_in_quote.opening_term("《中华人民共和国国民经济和社会发展第十三个五年规划纲要》", 2) == "中华"
    )
    assert subject_in_quote.opening_term("COP15会标", 2) == "会标"
    assert subject_in_quote.opening_term("与德国、英国、南非等分别建立双边合作机制", 2) == "与德"
    assert subject_in_quote.opening_term("省、自治区、直辖市", 2) == "自治"
    assert subject_in_quote.opening_term("Botanical gardens", 2) is None


def test_an_acronym_names_the_subject_as_a_whole_word():
    openings, words = subject_in_quote.terms_of(("“基于自然的解决方案”（NBS）领域工作", "NBS work"), 2)
    assert openings == ["基于"] and words == {"NBS"}
    assert subject_in_quote.names("中国和新西兰共同牵头NBS领域工作", openings, words)
    assert not subject_in_quote.names("中国和新西兰共同牵头NBSX领域工作", openings, words)
    assert subject_in_quote.acronyms("PM2.5, COP15, GPBB, China BON, Sino, wetland, the 13th plan") == {
        "PM2.5",
        "COP15",
        "GPBB",
        "BON",
    }


def test_a_subject_whose_opening_recurs_in_the_quote_passes_unless_chars_is_raised(package_copy):
    """The documented limit: 动物园饲养各类动物 opens with 动物, which 饲养各类动物775种 holds too.
    Declaring `chars: 3` catches it, and asks every subject to open with three of the source's words."""
    row = change_cell(
        package_copy, "germplasm_banks", "gb-zoos-animal-species-2020pp", "quote", "饲养各类动物775种"
    )
    assert findings(package_copy) == []
    declare(package_copy, {"name": "subject-in-quote", "chars": 3})
    assert ("subject-not-in-quote", "germplasm_banks", row, "quote") in findings(package_copy)


def test_settings_name_the_fields(package_copy):
    row = change_cell(package_copy, *DEER_WITHOUT_ITS_NAME)
    declare(package_copy, {"name": "subject-in-quote", "subjects": ["subject_zh"]})
    assert findings(package_copy) == [("subject-not-in-quote", "germplasm_banks", row, "quote")]
    declare(package_copy, {"name": "subject-in-quote", "subjects": ["subject_zh", "no_such_field"]})
    with pytest.raises(PackageError, match='"subjects" must be a list of names of fields in the package'):
        findings(package_copy)  # a field no resource has is a mistake, not a check that finds nothing


def test_each_distinct_quote_and_subject_is_read_once(monkeypatch):
    package = load_package(ROOT / "datapackage.json")
    context = Context(package)
    calls = []
    real = subject_in_quote.names
    monkeypatch.setattr(subject_in_quote, "names", lambda *args: calls.append(args) or real(*args))
    assert list(subject_in_quote.check(context, dict(subject_in_quote.SETTINGS))) == []
    rows = [
        (row["quote"], row["subject_zh"], row["subject_en"])
        for resource in context.resources
        if "subject_zh" in {field["name"] for field in resource["schema"]["fields"]}
        for row in context.rows(resource)
    ]
    assert len(calls) == len(set(rows)) < len(rows)  # the two documents share some quotes and subjects

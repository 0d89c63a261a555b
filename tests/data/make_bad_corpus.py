"""Write tests/data/bad/: small broken packages, each with the findings a correct validator must report.

Every case starts from the same valid mini package and breaks one thing. The expectations are written by
hand here (never recorded from a run), as (type, resource, row, field) and the exit code.
Run `python tests/data/make_bad_corpus.py` after changing a case; the test reads only the written files.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent / "bad"

SOURCE_TEXT = (
    "截至2018年底，全国共有国家级自然保护区474个，各类自然保护地面积超过172.8万平方公里。\n"
    "建立植物园（树木园）近200个，保存植物2.3万余种。\n"
).encode()

SOURCES_HEADER = "id,title_zh,title_en,date_published,language,file,sha256\n"


def sources_csv(digest: str = hashlib.sha256(SOURCE_TEXT).hexdigest(), file: str = "sources/doc.txt") -> str:
    return SOURCES_HEADER + f"doc,文件,The document,2020-09,zh-Hans,{file},{digest}\n"


FACTS_HEADER = (
    "id,subject_zh,subject_en,category,value,value_max,qualifier,as_of,source_id,quote,tags,note_en\n"
)
FACT_ROWS = [
    "reserves,国家级自然保护区,National nature reserves,status,474,,exact,2018-12-31,doc,国家级自然保护区474个,a,",
    'gardens,植物园,Botanical gardens,status,200,,nearly,,doc,建立植物园（树木园）近200个,"a,b",',
    "species,保存植物,Plant species held,status,23000,,more_than,,doc,保存植物2.3万余种,,",
]
CODES_QUALIFIER = (
    "code,label_zh,label_en\nabout,约,about\nexact,确数,exact\nmore_than,余,more than\nnearly,近,nearly\n"
)
CODES_TAG = "code,label_zh,label_en\na,甲,A\nb,乙,B\n"


def field(name, type_="string", **extra):
    return {"name": name, "type": type_, "description": name, **extra}


DESCRIPTOR = {
    "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
    "name": "mini",
    "ecodata": {
        "checks": [
            "quote-in-source",
            "source-hash",
            "value-in-quote",
            "qualifier",
            "bilingual",
            "categories",
            "unique-keys",
            "list-codes",
            "date-after-source",
            "formula-injection",
            "cell-size",
        ]
    },
    "resources": [
        {
            "name": "sources",
            "path": "sources.csv",
            "type": "table",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    field("id", constraints={"required": True}),
                    field("title_zh"),
                    field("title_en"),
                    field("date_published"),
                    field("language", constraints={"enum": ["zh-Hans", "en"]}),
                    field("file"),
                    field("sha256", constraints={"pattern": "^[0-9a-f]{64}$"}),
                ],
                "primaryKey": ["id"],
            },
        },
        {
            "name": "facts",
            "path": "facts.csv",
            "type": "table",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    field("id", constraints={"required": True, "pattern": "^[a-z0-9-]+$"}),
                    field("subject_zh"),
                    field("subject_en"),
                    field("category", categories=["status", "target"]),
                    field("value", "number", constraints={"minimum": 0}),
                    field("value_max", "number"),
                    field("qualifier"),
                    field("as_of"),
                    field("source_id"),
                    field("quote", constraints={"required": True}),
                    field(
                        "tags",
                        "list",
                        delimiter=",",
                        itemType="string",
                        **{"x-itemReference": {"resource": "codes_tag", "field": "code"}},
                    ),
                    field("note_en"),
                ],
                "primaryKey": ["id"],
                "uniqueKeys": [["subject_en", "source_id"]],
                "foreignKeys": [
                    {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["id"]}},
                    {
                        "fields": ["qualifier"],
                        "reference": {"resource": "codes_qualifier", "fields": ["code"]},
                    },
                ],
            },
        },
        {
            "name": "codes_qualifier",
            "path": "codes_qualifier.csv",
            "type": "table",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [field("code"), field("label_zh"), field("label_en")],
                "primaryKey": ["code"],
            },
        },
        {
            "name": "codes_tag",
            "path": "codes_tag.csv",
            "type": "table",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [field("code"), field("label_zh"), field("label_en")],
                "primaryKey": ["code"],
            },
        },
    ],
}


def base_files() -> dict[str, bytes]:
    return {
        "datapackage.json": json.dumps(DESCRIPTOR, ensure_ascii=False, indent=1).encode("utf-8"),
        "sources.csv": sources_csv().encode("utf-8"),
        "facts.csv": facts_csv(FACT_ROWS),
        "codes_qualifier.csv": CODES_QUALIFIER.encode("utf-8"),
        "codes_tag.csv": CODES_TAG.encode("utf-8"),
        "sources/doc.txt": SOURCE_TEXT,
    }


def facts_csv(rows: list[str], header: str = FACTS_HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode("utf-8")


def with_fact(row_index: int, column: str, value: str) -> dict[str, bytes]:
    """The base package with one cell of facts.csv replaced (row_index 0 is CSV row 2)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(facts_csv(FACT_ROWS).decode("utf-8"))))
    rows[row_index + 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return {**base_files(), "facts.csv": out.getvalue().encode("utf-8")}


def with_descriptor(change) -> dict[str, bytes]:
    descriptor = copy.deepcopy(DESCRIPTOR)
    change(descriptor)
    return {**base_files(), "datapackage.json": json.dumps(descriptor, ensure_ascii=False).encode("utf-8")}


def replaced(name: str, content: bytes | None) -> dict[str, bytes]:
    files = base_files()
    if content is None:
        del files[name]
    else:
        files[name] = content
    return files


def declaring(check: str, after: str) -> bytes:
    """The base descriptor, as base_files writes it, declaring one more check."""
    descriptor = copy.deepcopy(DESCRIPTOR)
    checks = descriptor["ecodata"]["checks"]
    checks.insert(checks.index(after) + 1, check)
    return json.dumps(descriptor, ensure_ascii=False, indent=1).encode("utf-8")


def set_path(resource: str, path):
    def change(descriptor):
        next(r for r in descriptor["resources"] if r["name"] == resource)["path"] = path

    return change


BASE_FACTS = "".join(row + "\n" for row in FACT_ROWS)

# name: (files, exit code, [(type, resource, row, field)])
CASES = {
    "valid-base": (base_files(), 0, []),
    "quote-not-in-source": (
        with_fact(0, "quote", "国家级保护区474个"),
        1,
        [("quote-not-in-source", "facts", 2, "quote")],
    ),
    "quote-with-line-breaks-matches": (with_fact(0, "quote", "国家级自然\n保护区 474 个"), 0, []),
    "source-hash-mismatch": (
        replaced("sources/doc.txt", SOURCE_TEXT + b"\n"),
        1,
        [("source-hash-mismatch", "sources", 2, "sha256")],
    ),
    "source-file-missing": (
        replaced("sources/doc.txt", None),
        1,
        [("source-hash-mismatch", "sources", 2, "file")],
    ),
    "value-not-in-quote": (with_fact(0, "value", "475"), 1, [("value-not-in-quote", "facts", 2, "value")]),
    "value-wrong-multiplier": (
        with_fact(2, "value", "2300"),
        1,
        [("value-not-in-quote", "facts", 4, "value")],
    ),
    "value-max-not-in-quote": (
        with_fact(0, "value_max", "480"),
        1,
        [("value-not-in-quote", "facts", 2, "value_max")],
    ),
    "qualifier-says-more-than-but-exact": (
        with_fact(2, "qualifier", "exact"),
        1,
        [("qualifier-mismatch", "facts", 4, "qualifier")],
    ),
    "qualifier-says-nearly-but-about": (
        with_fact(1, "qualifier", "about"),
        1,
        [("qualifier-mismatch", "facts", 3, "qualifier")],
    ),
    "qualifier-exact-but-more-than": (
        with_fact(0, "qualifier", "more_than"),
        1,
        [("qualifier-mismatch", "facts", 2, "qualifier")],
    ),
    "category-error": (with_fact(1, "category", "statuss"), 1, [("category-error", "facts", 3, "category")]),
    "unique-keys": (
        with_fact(1, "subject_en", "National nature reserves"),
        1,
        [("unique-keys", "facts", 3, "subject_en")],
    ),
    "list-code-error": (with_fact(1, "tags", "a,zz"), 1, [("list-code-error", "facts", 3, "tags")]),
    "bilingual-missing-english": (
        with_fact(0, "subject_en", ""),
        1,
        [("bilingual-missing", "facts", 2, "subject_en")],
    ),
    "bilingual-missing-chinese": (
        with_fact(1, "subject_zh", ""),
        1,
        [("bilingual-missing", "facts", 3, "subject_zh")],
    ),
    "formula-equals": (
        with_fact(0, "note_en", '=HYPERLINK("http://x","y")'),
        1,
        [("formula-injection", "facts", 2, "note_en")],
    ),
    "formula-at": (with_fact(1, "note_en", "@SUM(A1)"), 1, [("formula-injection", "facts", 3, "note_en")]),
    "formula-plus": (
        with_fact(2, "note_en", "+cmd|' /C calc'!A0"),
        1,
        [("formula-injection", "facts", 4, "note_en")],
    ),
    "formula-tab": (with_fact(0, "note_en", "\t=1+1"), 1, [("formula-injection", "facts", 2, "note_en")]),
    "date-after-source": (with_fact(0, "as_of", "2021-01"), 1, [("date-after-source", "facts", 2, "as_of")]),
    "date-same-year-as-source-is-fine": (with_fact(0, "as_of", "2020"), 0, []),
    "cell-too-large": (with_fact(0, "note_en", "x" * 10_001), 1, [("cell-too-large", "facts", 2, "note_en")]),
    "cell-5-megabytes": (
        with_fact(1, "note_en", "x" * 5_000_000),
        1,
        [("cell-too-large", "facts", 3, "note_en")],
    ),
    "sql-in-a-cell-is-just-text": (with_fact(0, "note_en", "'; DROP TABLE facts; --"), 0, []),
    "type-error": (with_fact(0, "value", "many"), 1, [("type-error", "facts", 2, "value")]),
    "constraint-minimum": (
        with_fact(0, "value", "-474"),
        1,
        [("constraint-error", "facts", 2, "value"), ("value-not-in-quote", "facts", 2, "value")],
    ),
    "constraint-required": (with_fact(0, "quote", ""), 1, [("constraint-error", "facts", 2, "quote")]),
    "constraint-pattern": (with_fact(1, "id", "Gardens!"), 1, [("constraint-error", "facts", 3, "id")]),
    "constraint-enum": (
        replaced("sources.csv", sources_csv().replace("zh-Hans", "klingon").encode()),
        1,
        [("constraint-error", "sources", 2, "language")],
    ),
    "foreign-key-missing-row": (with_fact(2, "source_id", "nowhere"), 1, [("foreign-key", "facts", 4, None)]),
    "primary-key-duplicate": (with_fact(1, "id", "reserves"), 1, [("primary-key", "facts", 3, None)]),
    "duplicate-header": (
        replaced("facts.csv", facts_csv(FACT_ROWS, FACTS_HEADER.replace("note_en", "quote"))),
        1,
        [("duplicate-label", "facts", None, "note_en")],
    ),
    "blank-header": (
        replaced("facts.csv", facts_csv(FACT_ROWS, FACTS_HEADER.replace(",note_en", ","))),
        1,
        [("blank-label", "facts", None, "note_en")],
    ),
    "missing-cell": (
        replaced("facts.csv", facts_csv([*FACT_ROWS[:2], FACT_ROWS[2].rsplit(",", 1)[0]])),
        1,
        [("missing-cell", "facts", 4, "note_en")],
    ),
    "extra-cell": (
        replaced("facts.csv", facts_csv([*FACT_ROWS[:1], FACT_ROWS[1] + ",extra", *FACT_ROWS[2:]])),
        1,
        [("extra-cell", "facts", 3, None)],
    ),
    "blank-row": (
        replaced("facts.csv", facts_csv([*FACT_ROWS[:1], ",,,,,,,,,,,", *FACT_ROWS[1:]])),
        1,
        [("blank-row", "facts", 3, None), ("primary-key", "facts", 3, None)],
    ),
    "ragged-quoting": (
        replaced("facts.csv", facts_csv([*FACT_ROWS[:2], 'species,保存植物,"Plant species held,status'])),
        1,
        None,
    ),
    "byte-order-mark": (replaced("facts.csv", b"\xef\xbb\xbf" + facts_csv(FACT_ROWS)), 0, []),
    "crlf-line-endings": (replaced("facts.csv", facts_csv(FACT_ROWS).replace(b"\n", b"\r\n")), 0, []),
    "gbk-encoded-file": (replaced("facts.csv", (FACTS_HEADER + BASE_FACTS).encode("gbk")), 1, None),
    "latin-1-encoded-file": (
        replaced("codes_tag.csv", "code,label_zh,label_en\na,é,Café\n".encode("latin-1")),
        1,
        None,
    ),
    "empty-file": (replaced("codes_tag.csv", b""), 1, None),
    "code-list-without-rows": (
        replaced("codes_tag.csv", b"code,label_zh,label_en\n"),
        1,
        [("list-code-error", "facts", 2, "tags"), ("list-code-error", "facts", 3, "tags")],
    ),
    "missing-resource-file": (replaced("codes_tag.csv", None), 1, None),
    "unknown-field-type": (
        with_descriptor(lambda d: d["resources"][1]["schema"]["fields"][4].update(type="numbr")),
        1,
        None,
    ),
    "descriptor-not-json": (replaced("datapackage.json", b'{"name": "mini", "resources": ['), 2, []),
    "descriptor-json-not-package": (replaced("datapackage.json", b'["not", "a", "package"]'), 2, []),
    "descriptor-without-resources": (replaced("datapackage.json", b'{"name": "mini"}'), 2, []),
    "descriptor-not-utf8": (replaced("datapackage.json", '{"name": "é"}'.encode("latin-1")), 2, []),
    "path-outside-package": (with_descriptor(set_path("codes_tag", "../../etc/passwd")), 2, []),
    "absolute-path": (with_descriptor(set_path("codes_tag", "/etc/passwd")), 2, []),
    "remote-path": (with_descriptor(set_path("codes_tag", "http://127.0.0.1:9/codes.csv")), 2, []),
    "missing-descriptor": (replaced("datapackage.json", None), 2, []),
    "subject-not-in-quote": (
        {
            **base_files(),
            "datapackage.json": declaring("subject-in-quote", after="value-in-quote"),
            "facts.csv": facts_csv(
                [
                    "area,各类自然保护地面积,Area of all protected areas,status,1728000,,more_than,,doc,"
                    "面积超过172.8万平方公里,,",
                    FACT_ROWS[1],
                    FACT_ROWS[0].replace("2018-12-31", "2018"),
                ]
            ),
        },
        1,
        [("subject-not-in-quote", "facts", 2, "quote")],
    ),
    # frictionless's urlparse raised ValueError on it (a fuzzed descriptor found it): reported, not exit 3
    "schema-url-unparseable": (
        with_descriptor(
            lambda d: d.update({"$schema": "https://[datapackage.org/profiles/2.0/datapackage.json"})
        ),
        1,
        [("package-error", None, None, None)],
    ),
}
# Cases whose expectations are `None` name only the error type(s) that must appear (the exact row depends on
# how far a broken file can be read); they are listed here.
TYPES_ONLY = {
    "ragged-quoting": {"missing-cell"},
    "gbk-encoded-file": {"encoding-error"},
    "latin-1-encoded-file": {"encoding-error"},
    "empty-file": {"source-error"},
    "missing-resource-file": {"scheme-error"},
    "unknown-field-type": {"field-error"},
}


def write() -> None:
    shutil.rmtree(HERE, ignore_errors=True)
    for name, (files, exit_code, findings) in CASES.items():
        folder = HERE / name
        for relative, content in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_bytes(content)
        folder.mkdir(parents=True, exist_ok=True)
        expected = {"exit": exit_code}
        if findings is None:
            expected["types"] = sorted(TYPES_ONLY[name])
        else:
            expected["findings"] = [list(finding) for finding in findings]
        (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    write()
    print(f"{len(CASES)} cases written to {HERE}")

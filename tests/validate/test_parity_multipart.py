"""Resources in several files: rows numbered across parts, each part's header, bytes and hash of the whole.

Each case pins its findings as well as the agreement of the two engines (tests/parity.py).
"""

from __future__ import annotations

import hashlib

import pytest

from tests.parity import INTEGER_AND_STRING, assert_same_findings, findings, table, write_package


def test_multipart_rows_are_numbered_across_parts(tmp_path):
    fields = [
        {"name": "a", "type": "integer", "constraints": {"unique": True}},
        {"name": "b", "type": "string"},
    ]
    resource = {**table("t", fields), "path": ["p1.csv", "p2.csv", "p3.csv"]}
    # every part starts with the header line; rows are numbered as if the parts were one file
    files = {"p1.csv": b"a,b\n1,x\n2,y\n", "p2.csv": b"a,b\n3,x\nbad,y\n", "p3.csv": b"a,b\n1,z\n4\n"}
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert {(finding.type, finding.row) for finding in report.findings} == {
        ("type-error", 5),
        ("unique-error", 6),
        ("missing-cell", 7),
    }


@pytest.mark.parametrize(
    ("files", "fields"),
    [
        ({"t.csv": b"\xef\xbb\xbfa,b\n\xef\xbb\xbf,x"}, INTEGER_AND_STRING),  # the last line, a piece alone
        ({"p1.tsv": b"a\tb\n1\tx\n", "p2.tsv": b"\xef\xbb\xbf2\ty\n"}, INTEGER_AND_STRING),  # a later part
        ({"p1.tsv": b"\xef\xbb\xbfa\tb\n1\tx\n", "p2.tsv": b"\xef\xbb\xbf2\ty\n"}, INTEGER_AND_STRING),
    ],
    ids=["piece", "later-part", "later-part-after-a-bom"],
)
def test_a_byte_order_mark_within_the_stream_is_text(tmp_path, files, fields):
    """Arrow drops a BOM at the start of whatever it parses; frictionless only at the file's start."""
    resource = {**table("t", fields), "path": list(files) if len(files) > 1 else "t.csv"}
    resource.pop("encoding")
    if len(files) > 1:
        resource["format"] = "tsv"
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert [finding.type for finding in report.findings] == ["type-error"]


LATER_FIRST_LINES = {  # frictionless drops a later part's first line as bytes, never decoded or parsed
    "undecodable": b"a,\xff\n2,y\n3,z\n",
    "quoted-line-end": b'"a\nq",b\n2,y\n',
    "cr-line-ends": b"a,b\rq,y\r3,z\r",  # a line ends at CR too, as bytes.splitlines has it
    "cr-then-lf": b"a,b\r2,y\nq,z\n",
}


@pytest.mark.parametrize("second", LATER_FIRST_LINES.values(), ids=LATER_FIRST_LINES)
def test_a_later_part_loses_its_first_line_not_its_first_record(tmp_path, second):
    files = {"p1.csv": b"a,b\n1,x\n", "p2.csv": second}
    joined = files["p1.csv"] + b"".join(second.splitlines(keepends=True)[1:])
    resource = {**table("t", INTEGER_AND_STRING), "path": list(files), "bytes": len(joined)}
    resource["hash"] = "sha256:" + hashlib.sha256(joined).hexdigest()
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert not {"byte-count", "hash-count"} & {finding.type for finding in report.findings}


def test_a_folder_among_the_parts_is_a_scheme_error(tmp_path):
    (tmp_path / "sub").mkdir()
    resource = {**table("t", INTEGER_AND_STRING), "path": ["p1.csv", "sub"]}
    report = assert_same_findings(write_package(tmp_path, [resource], {"p1.csv": b"a,b\n1,x\n"}))
    assert [finding.type for finding in report.findings] == ["scheme-error"]


def test_the_multipart_scheme_frictionless_writes_is_read_here(tmp_path):
    files = {"p1.csv": b"a,b\n1,x\n", "p2.csv": b"a,b\ny,z\n"}
    resource = {**table("t", INTEGER_AND_STRING), "path": list(files), "scheme": "multipart"}
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert [(finding.type, finding.row) for finding in report.findings] == [("type-error", 3)]


def test_nan_keys_of_parts_read_in_other_processes_never_meet(tmp_path):
    """Later parts are read in a process pool; NaN keys made there must still equal nothing."""
    spec = {"name": "a", "type": "number", "constraints": {"unique": True}}
    files = {"p1.csv": b"a,b\n1,x\n", "p2.csv": b"a,b\nNaN,y\n", "p3.csv": b"a,b\nNaN,z\n2,w\n2,v\n"}
    resource = {**table("t", [spec, {"name": "b", "type": "string"}]), "path": list(files)}
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert [(finding.type, finding.row) for finding in report.findings] == [("unique-error", 6)]


MULTIPART_GUESSES = {
    # the encoding is guessed from the parts joined: latin-1 in a later part, not UTF-8
    "encoding": (
        INTEGER_AND_STRING,
        {"p1.csv": b"a,b\n1,x\n", "p2.csv": b"a,b\n2,caf\xe9 cr\xe8me br\xfbl\xe9e \xe0 la fa\xe7on\nx,y\n"},
    ),
    # ...and the dialect: one ", " after a quoted cell in the first part alone reads as
    # skipInitialSpace, against the rest of the stream
    "dialect": (
        [{"name": "b", "type": "string"}, {"name": "d", "type": "date"}],
        {"p1.csv": b'b,d\n",", 2020-01-31\n', "p2.csv": b'b,d\n"x",2020-01-31\n"x",2020-02-01\n'},
    ),
}


@pytest.mark.parametrize(("fields", "files"), MULTIPART_GUESSES.values(), ids=MULTIPART_GUESSES)
def test_a_multipart_layout_is_guessed_from_the_parts_joined(tmp_path, fields, files):
    resource = {**table("t", fields), "path": list(files), "dialect": {"header": True}}
    resource.pop("encoding")
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert report.findings


@pytest.mark.parametrize("second", [b"bad\tz\n3\tv\n", b"a\tb\nbad\tz\n"], ids=["no-header", "header"])
def test_a_later_tsv_part_keeps_its_first_line(tmp_path, second):
    """frictionless drops the first line of a later part for CSV only: in TSV it is a row."""
    resource = {**table("t", INTEGER_AND_STRING), "path": ["p1.tsv", "p2.tsv"], "format": "tsv"}
    files = {"p1.tsv": b"a\tb\n1\tx\n", "p2.tsv": second}
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    rows = [3, 4] if second.startswith(b"a") else [3]  # a repeated header is a row: "a" is no integer
    assert [(finding.type, finding.row) for finding in report.findings] == [
        ("type-error", row) for row in rows
    ]


def test_a_missing_later_part_stops_the_resource(tmp_path):
    resource = {**table("t", INTEGER_AND_STRING), "path": ["p1.csv", "p2.csv"]}
    report = assert_same_findings(write_package(tmp_path, [resource], {"p1.csv": b"a,b\n1,x\nz,y\n"}))
    assert [finding.type for finding in report.findings] == ["scheme-error"]


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
def test_multipart_bytes_and_hash_are_of_the_parts_joined(tmp_path, right):
    """frictionless counts the parts as one stream, the header line of each later part left out."""
    files = {"p1.csv": b"a,b\n1,x\n", "p2.csv": b"a,b\n2,y\n"}
    joined = files["p1.csv"] + files["p2.csv"].split(b"\n", 1)[1]
    size, digest = (len(joined), hashlib.sha256(joined).hexdigest()) if right else (1, "0" * 64)
    resource = {
        **table("t", INTEGER_AND_STRING),
        "path": list(files),
        "bytes": size,
        "hash": f"sha256:{digest}",
    }
    report = assert_same_findings(write_package(tmp_path, [resource], files))
    assert sorted(finding.type for finding in report.findings) == (
        [] if right else ["byte-count", "hash-count"]
    )


def test_a_resource_without_a_schema_is_left_to_frictionless(tmp_path):
    """frictionless infers a schema from the data; the arrow engine does not guess one."""
    resource = {"name": "t", "path": "t.csv"}
    descriptor = write_package(tmp_path, [resource], {"t.csv": b"id,name\n1,a\n2,b\n"})
    arrow, report = findings(descriptor, "arrow")
    assert arrow == findings(descriptor, "frictionless")[0] and "without a schema" in report.notes[0]

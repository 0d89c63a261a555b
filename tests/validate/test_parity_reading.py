"""Reading: headers, blank/short/long rows, files cut into pieces, encodings and dialects, missing files.

Each case pins its findings as well as the agreement of the two engines (tests/parity.py).
"""

from __future__ import annotations

import pytest

from ecodata.validate.run import validate
from tests.parity import INTEGER_AND_STRING, assert_same_findings, table, to_csv, write_package


def test_header_problems(tmp_path):
    fields = [{"name": name, "type": "string"} for name in ("a", "b", "c", "d")]
    files = {
        "blank.csv": to_csv([["a", "", "c", "d"], ["1", "2", "3", "4"]]),
        "duplicate.csv": to_csv([["a", "a", "c", "x"], ["1", "2", "3", "4"]]),
        "missing.csv": to_csv([["a", "b"], ["1", "2"], ["1", "2", "3"]]),
        "extra.csv": to_csv(
            [["a", "b", "c", "d", "e", "e"], ["1", "2", "3", "4", "5", "6"], ["1", "2", "3", "4"]]
        ),
    }
    resources = [{**table(name.removesuffix(".csv"), fields), "path": name} for name in files]
    descriptor = write_package(tmp_path, resources, files)
    said = {  # each engine says which label it found (frictionless's own: 'at position "2"')
        engine: {
            f.message
            for f in validate(descriptor, standard=True, engine=engine).findings
            if "label" in f.type
        }
        for engine in ("arrow", "frictionless")
    }
    assert said["arrow"] == said["frictionless"]
    assert "header label 'a' is an earlier column's too: each column needs its own name" in said["arrow"]
    assert "header label 'x' differs from the field name 'd' at this position" in said["arrow"]
    assert "extra header label 'e': the schema has no field at this position" in said["arrow"]
    assert_same_findings(
        descriptor,
        [
            ("blank-label", None, "b"),
            ("duplicate-label", None, "b"),
            ("incorrect-label", None, "d"),
            ("missing-label", None, "c"),
            ("missing-label", None, "d"),
            ("extra-cell", 3, None),
            ("extra-label", None, None),
            ("extra-label", None, None),
            ("missing-cell", 3, "e"),
            ("missing-cell", 3, "e2"),
        ],
    )


def test_a_field_named_with_nothing(tmp_path):
    """frictionless gives its errors fieldName "", as it gives an extra label or cell, which has no field."""
    fields = [{"name": "a", "type": "integer"}, {"name": "", "type": "integer"}]
    files = {"t.csv": b"a,b\n1,x\n2\n3,4,5\n"}
    report = assert_same_findings(
        write_package(tmp_path, [{**table("t", fields), "dialect": {"header": True}}], files)
    )
    assert {(finding.type, finding.field) for finding in report.findings} == {
        ("incorrect-label", ""),
        ("type-error", ""),
        ("missing-cell", ""),
        ("extra-cell", None),
    }


def test_rows_blank_short_long_and_multiline(tmp_path):
    fields = [
        {"name": "a", "type": "integer", "constraints": {"required": True}},
        {"name": "b", "type": "string"},
        {"name": "c", "type": "string"},
    ]
    content = b'a,b,c\n1,x,y\n\n,,\n2,x\n3,x,y,z\n4,"multi\nline",y\n5,"q""uote",y\nx,,\n,,,\n6,x,y'
    assert_same_findings(
        write_package(tmp_path, [table("t", fields, primaryKey=["a"])], {"t.csv": content}),
        [
            ("blank-row", 3, None),
            ("primary-key", 3, "a"),
            ("blank-row", 4, None),
            ("primary-key", 4, "a"),
            ("missing-cell", 5, "c"),
            ("extra-cell", 6, None),
            ("type-error", 9, "a"),
            ("primary-key", 9, "a"),
            ("blank-row", 10, None),
            ("primary-key", 10, "a"),
        ],
    )


PIECE_CASES = {
    # keys rise within each piece, but a piece starts with the last key of the one before
    "repeat-across-pieces": b"a,b,c\n" + b"".join(b"%d,x%d,y\n" % (n // 7, n) for n in range(40)),
    "quoted-newlines": b"a,b,c\n" + b"".join(b'%d,"line\n%d, ""q""",y\n' % (n, n) for n in range(40)),
    # a cut after `"u` leaves rows of the right width that read wrongly: `z` is then an integer cell
    "cut-inside-quotes": b"a,b,c\n" + b"".join(b'%d,y,"u\nz,v,w"\n' % n for n in range(40)),
    "quote-inside-cell": b"a,b,c\n" + b"".join(b'%d,5" tall,"y\n"\n' % n for n in range(40)),
    "non-ascii": b"a,b,c\n" + "".join(f"{n},中文{n},é\n" for n in range(40)).encode(),
    # after the 100 kB frictionless guesses the encoding from
    "bad-utf8-late": b"a,b,c\n" + b"".join(b"%d,x%d,y\n" % (n, n) for n in range(10_000)) + b"99,\xff,y\n",
    "crlf-no-final-newline": b"a,b,c\r\n" + b"\r\n".join(b"%d,x,y" % n for n in range(40)),
}


@pytest.mark.parametrize("content", PIECE_CASES.values(), ids=PIECE_CASES.keys())
def test_files_cut_into_pieces_read_as_one(tmp_path, monkeypatch, content):
    """Pieces of a few rows each: cuts inside quotes, quotes inside cells and repeats across cuts."""
    from ecodata.validate.engine import file_checks, reading

    monkeypatch.setattr(reading, "PIECE_SIZE", max(64, len(content) // 20))
    monkeypatch.setattr(reading, "LONGEST_PIECE", 16 * reading.PIECE_SIZE)
    pieces = []
    monkeypatch.setattr(
        file_checks,
        "parse_piece",
        lambda piece, *rest: pieces.append(piece) or reading.parse_piece(piece, *rest),
    )
    fields = [
        {"name": "a", "type": "integer"},
        {"name": "b", "type": "string", "constraints": {"unique": True, "pattern": "[a-z0-9]+"}},
        {"name": "c", "type": "string"},
    ]
    resource = table("t", fields, primaryKey=["a"])
    assert_same_findings(write_package(tmp_path, [resource], {"t.csv": content}))
    assert len(pieces) >= 2  # the file was cut (and then, maybe, read again as one stream)


def test_a_repeat_across_a_cut_is_found(tmp_path, monkeypatch):
    """Keys that rise within every piece, but one piece starts with the key the one before ends with."""
    from ecodata.validate.engine import reading

    monkeypatch.setattr(reading, "PIECE_SIZE", 64)
    rows = [b"%04d,x\n" % n for n in range(60)]
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n" + b"".join(rows))
    first_piece = bytes(next(reading.file_pieces(path))[0])
    cut = first_piece.count(b"\n") - 1  # the data row the second piece starts with
    rows[cut] = rows[cut - 1]  # same width: the cuts stay where they are
    resource = table(
        "t", [{"name": "a", "type": "string"}, {"name": "b", "type": "string"}], primaryKey=["a"]
    )
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": b"a,b\n" + b"".join(rows)}))
    assert [(finding.type, finding.row) for finding in report.findings] == [("primary-key", cut + 2)]


@pytest.mark.parametrize(
    ("piece", "followed", "rows"),
    [
        (b'1,"a,b",c\n2,"d\ne",f\n', True, 2),
        (b'1,y,"u\n', True, None),  # ends inside quotes
        (b'1,"u\n', True, None),  # ...of a middle cell: a short row, which the stream reader tells apart
        (b'1,y,"u\n', False, 1),  # ...which the last piece may: nothing follows it
        (b'1,5" tall,"u\n', True, None),  # an even count, but a quote inside a cell
    ],
)
def test_a_piece_is_cut_only_outside_quotes(piece, followed, rows):
    from ecodata.validate.engine import reading
    from ecodata.validate.engine.layout import Layout

    layout = Layout("utf-8", {"delimiter": ","}, [], True)
    if rows is None:
        with pytest.raises(reading.NeedsOneStream):
            reading.parse_piece(memoryview(piece), layout, 3, followed)
    else:
        assert len(reading.parse_piece(memoryview(piece), layout, 3, followed)[0]) == rows


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a,b\r\n1,caf\xc3\xa9\r\n2,x\r\n", []),  # CRLF
        (b"\xef\xbb\xbfa,b\n1,x\n", []),  # UTF-8 BOM
        (b"a,b\n" + b"1,plain\n" * 20 + b"2,caf\xe9\n", []),  # Latin-1: frictionless guesses the encoding
        (b"a;b\n1;x\n2;y\n", []),  # semicolons, sniffed
        (b"a\tb\n1\tx\n", []),  # tabs, sniffed
        (b"", [("source-error", None, None)]),  # empty file
        (b"a,b\n", []),  # header only
    ],
    ids=["crlf", "bom", "latin-1", "semicolon", "tab", "empty", "header-only"],
)
def test_encodings_dialects_and_empty_files(tmp_path, content, expected):
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    resource = table("t", fields)
    resource.pop("encoding")
    assert_same_findings(write_package(tmp_path, [resource], {"t.csv": content}), expected)


@pytest.mark.parametrize(
    "dialect", [{"quoteChar": ""}, {"delimiter": ";;"}, {"delimiter": ""}, {"escapeChar": "ab"}], ids=str
)
def test_a_dialect_character_that_is_not_one_character_is_a_source_error(tmp_path, dialect):
    resource = {**table("t", [{"name": "a", "type": "integer"}, {"name": "b"}]), "dialect": dialect}
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": b"a,b\n1,x\n"}))
    assert [(finding.type, finding.resource) for finding in report.findings] == [("source-error", "t")]


@pytest.mark.parametrize(
    ("dialect", "content"),
    [
        ({"doubleQuote": False}, b'a,b\n1,"x""y,z"\nz,w\n'),  # read as doubled without an escapeChar
        ({"doubleQuote": False, "escapeChar": "\\"}, b'a,b\n1,"p\\"q"\n2,"x""y",\nz,w\n'),
        ({"encoding": "utf-16"}, "a,b\n1,x\n".encode("utf-16-le")),  # no BOM: frictionless cannot start
    ],
    ids=["double-quote-off", "double-quote-off-escaped", "utf-16-without-bom"],
)
def test_dialects_read_as_frictionless_reads_them(tmp_path, dialect, content):
    resource = {**table("t", INTEGER_AND_STRING), "dialect": {"header": True}}
    if "encoding" in dialect:
        resource["encoding"] = dialect.pop("encoding")
    resource["dialect"].update(dialect)
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": content}))
    assert report.findings


@pytest.mark.parametrize("sensitive", [False, True])
def test_case_sensitive_header_changes_nothing_as_in_frictionless(tmp_path, sensitive):
    """A v1 dialect property frictionless 5 reads nowhere: labels compare with their case either way,
    and the fast engine checks the file (it handed such packages to frictionless, 14x slower)."""
    resource = {**table("t", INTEGER_AND_STRING), "dialect": {"caseSensitiveHeader": sensitive}}
    header = ",".join(field["name"].upper() for field in INTEGER_AND_STRING).encode()
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": header + b"\n1,x\n"}))
    assert [finding.type for finding in report.findings] == ["incorrect-label"] * len(INTEGER_AND_STRING)


def test_bad_utf8_after_the_encoding_sample_is_an_encoding_error(tmp_path):
    content = b"a,b\n" + b"1,plain text that fills the sample\n" * 4000 + b"2,caf\xe9\n"
    resource = table("t", [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}])
    resource.pop("encoding")
    report = assert_same_findings(write_package(tmp_path, [resource], {"t.csv": content}))
    assert [finding.type for finding in report.findings] == ["encoding-error"]


def test_missing_file_and_missing_reference(tmp_path):
    child = table(
        "child",
        [{"name": "a", "type": "integer"}],
        foreignKeys=[{"fields": ["a"], "reference": {"resource": "gone", "fields": ["a"]}}],
    )
    resources = [table("absent", [{"name": "a", "type": "integer"}]), child]
    assert_same_findings(
        write_package(tmp_path, resources, {"child.csv": b"a\n1\n"}),
        [("scheme-error", None, None), ("resource-error", None, None)],
    )


@pytest.mark.parametrize(
    ("dialect", "schema", "named"),
    [
        ({"commentChar": "#", "headerRows": [2]}, {}, "the dialect's commentChar, headerRows"),
        ({}, {"fieldsMatch": "subset"}, 'fieldsMatch "subset"'),
    ],
)
def test_a_package_left_to_frictionless_says_which_property_is_why(tmp_path, dialect, schema, named):
    from ecodata.validate.run import validate

    resource = {**table("t", INTEGER_AND_STRING, **schema), "dialect": dialect}
    report = validate(write_package(tmp_path, [resource], {"t.csv": b"a,b\n1,x\n"}))
    assert report.notes == [f"the arrow engine does not support {named}; frictionless checked this package"]


@pytest.mark.parametrize("suffix", ["gz", "zip"])
def test_a_file_compressed_by_its_name_alone_goes_to_frictionless(tmp_path, suffix):
    """frictionless takes `.gz` or `.zip` for a compression the descriptor does not name; the fast
    engine read the compressed bytes as text (an encoding error on a valid file)."""
    import gzip
    import zipfile

    from ecodata.validate.run import validate

    content = b"a,b\n1,x\nz,y\n"
    if suffix == "gz":
        (tmp_path / "t.csv.gz").write_bytes(gzip.compress(content, mtime=0))
    else:
        with zipfile.ZipFile(tmp_path / "t.csv.zip", "w") as archive:
            archive.writestr("t.csv", content)
    resource = {**table("t", INTEGER_AND_STRING), "path": f"t.csv.{suffix}"}
    descriptor = write_package(tmp_path, [resource], {})
    report = validate(descriptor)
    assert report.notes == [
        "the arrow engine does not support compressed files; frictionless checked this package"
    ]
    assert [(finding.type, finding.row) for finding in report.findings] == [("type-error", 3)]


def test_an_empty_key_is_said_to_be_empty_not_none_by_both_engines(tmp_path):
    fields = [{"name": "id", "type": "string"}, {"name": "name", "type": "string"}]
    files = {"t.csv": to_csv([["id", "name"], ["a", "x"], ["", "y"], ["a", "z"]])}
    descriptor = write_package(tmp_path, [table("t", fields, primaryKey=["id"])], files)
    said = {
        engine: sorted(f.message for f in validate(descriptor, standard=True, engine=engine).findings)
        for engine in ("arrow", "frictionless")
    }
    assert (
        said["arrow"]
        == said["frictionless"]
        == [
            "duplicate primary key (the same as in the row at position 2); give the row its own id",
            "empty primary key (its cells are all empty); give the row its own id",
        ]
    )


def test_a_later_file_of_a_list_that_does_not_begin_with_the_header_is_said_to_lose_its_first_row(tmp_path):
    """Both engines drop that line, as frictionless does: a split file without its header lost a row
    without a word (a walk-through on datasets/population)."""
    fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    files = {"a.csv": b"id,name\n1,x\n", "b.csv": b"2,y\n3,z\n", "c.csv": b"\xef\xbb\xbfid,name\r\n4,w\n"}
    descriptor = write_package(tmp_path, [{**table("t", fields), "path": list(files)}], files)
    for engine in ("arrow", "frictionless"):
        report = validate(descriptor, standard=True, engine=engine)
        assert report.rows_checked == 3 and not report.findings
        assert report.notes[-1:] == [
            "b.csv: its first line (2,y) is dropped, as frictionless drops a later file's header, and is not "
            "the header: that row is not read; begin the file with the header"
        ]

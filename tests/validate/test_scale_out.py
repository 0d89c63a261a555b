"""Multipart resources: parts checked in parallel processes or on a Dask cluster, same findings as one process."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecodata.package import load_package
from ecodata.validate.engine import standard_checks
from ecodata.validate.report import Report
from tests.parity import KEY_TYPES, RANDOM_SEARCH, field_specs, rows_of, table, to_csv, write_package
from tests.parity import findings as parity_findings


def parts_package(root):
    """`obs` in three parts with errors inside parts and across them; `sites` as the referenced table."""
    (root / "sites.csv").write_text("code\ns1\ns2\n")
    (root / "obs-1.csv").write_text("id,site,count\n1,s1,5\n2,s2,x\n3,s9,1\n")
    (root / "obs-2.csv").write_text("id,site,count\n4,s1,2\n2,s1,3\n5,s2\n")  # 2 repeats part one's id
    (root / "obs-3.csv").write_text("id,site,count\n6,s3,-1\n4,s2,1\n,,\n")
    fields = [
        {"name": "id", "type": "integer"},
        {"name": "site", "type": "string"},
        {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    ]
    descriptor = {
        "name": "parts",
        "resources": [
            {
                "name": "sites",
                "path": "sites.csv",
                "schema": {"fields": [{"name": "code", "type": "string"}], "primaryKey": ["code"]},
            },
            {
                "name": "obs",
                "path": ["obs-1.csv", "obs-2.csv", "obs-3.csv"],
                "rows": 10,  # counts declared wrong: the parts hold 9 rows of 3 fields
                "fields": 4,
                "schema": {
                    "fields": fields,
                    "primaryKey": ["id"],
                    "foreignKeys": [
                        {"fields": ["site"], "reference": {"resource": "sites", "fields": ["code"]}}
                    ],
                },
            },
        ],
    }
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    return root / "datapackage.json"


def findings(descriptor, **options):
    report = Report()
    standard_checks(load_package(descriptor), report, **options)
    return sorted((dataclasses.astuple(finding) for finding in report.findings), key=str), report


EXPECTED = {
    ("type-error", 3),  # 2,s2,x
    ("foreign-key", 4),  # s9
    ("primary-key", 6),  # id 2 again, in the second part
    ("missing-cell", 7),  # 5,s2
    ("foreign-key", 8),  # s3
    ("constraint-error", 8),  # count -1
    ("primary-key", 9),  # id 4 again, in the third part
    ("blank-row", 10),
    ("primary-key", 10),  # a blank row has an empty primary key
    ("row-count", None),
    ("field-count", None),
}


def test_parts_in_parallel_processes_match_one_process_and_frictionless(tmp_path):
    descriptor = parts_package(tmp_path)
    serial, report = findings(descriptor, workers=1)
    parallel, _ = findings(descriptor, workers=2)
    reference, _ = findings(descriptor, engine="frictionless")
    assert {(finding[0], finding[4]) for finding in serial} == EXPECTED
    assert parallel == serial
    assert sorted((f[0], f[2], f[4], f[5]) for f in reference) == sorted(
        (f[0], f[2], f[4], f[5]) for f in serial
    )
    assert report.rows_checked == 11


def test_a_dask_cluster_finds_the_same_as_one_process(tmp_path):
    distributed = pytest.importorskip(
        "distributed"
    )  # the test extra installs it; `pip install .` alone does not
    descriptor = parts_package(tmp_path)
    local, _ = findings(descriptor, workers=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        on_dask, report = findings(descriptor, dask=cluster.scheduler_address)
        (tmp_path / "obs-2.csv").unlink()  # a missing part stops the resource before any row
        local_missing, local_report = findings(descriptor, workers=1)
        dask_missing, dask_report = findings(descriptor, dask=cluster.scheduler_address)
    assert on_dask == local
    assert report.rows_checked == 11
    assert dask_missing == local_missing and dask_report.rows_checked == local_report.rows_checked == 2


def test_a_folder_of_parquet_parts_is_one_resource(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "obs"
    folder.mkdir()
    pq.write_table(pa.table({"id": [1, 2], "share": [0.5, 1.5]}), folder / "part-0.parquet")
    pq.write_table(pa.table({"id": [3, 1], "share": [0.25, None]}), folder / "part-1.parquet")
    (folder / "part-2.parquet").write_bytes(b"")  # an empty partition adds nothing
    fields = [
        {"name": "id", "type": "integer"},
        {"name": "share", "type": "number", "constraints": {"maximum": 1, "required": True}},
    ]
    descriptor = {
        "name": "folder",
        "resources": [
            {
                "name": "obs",
                "path": "obs",
                "format": "parquet",
                "schema": {"fields": fields, "primaryKey": ["id"]},
            }
        ],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    found, report = findings(tmp_path / "datapackage.json")
    assert {(finding[0], finding[4], finding[5]) for finding in found} == {
        ("constraint-error", 3, "share"),  # 1.5 > 1
        ("primary-key", 5, "id"),  # id 1 again, in the second part
        ("constraint-error", 5, "share"),  # null share: required
    }
    assert report.rows_checked == 4


def test_each_part_of_a_folder_has_its_header_checked_and_a_repeat_reported_once(tmp_path):
    folder = tmp_path / "obs"
    folder.mkdir()
    (folder / "p1.csv").write_bytes(b"id,Name\n1,x\n")  # "Name" for "name": in every part
    (folder / "p2.csv").write_bytes(b"id,Name\n2,y\n")
    (folder / "p3.csv").write_bytes(b"name,id\nz,3\n")  # the columns swapped, in this part alone
    fields = [{"name": "id", "type": "integer"}, {"name": "name", "type": "string"}]
    descriptor = {
        "name": "folder",
        "resources": [{"name": "obs", "path": "obs", "schema": {"fields": fields}}],
    }
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    report = Report()
    standard_checks(load_package(tmp_path / "datapackage.json"), report, engine="arrow")
    labels = [
        (finding.type, finding.cell, finding.message) for finding in report.findings if finding.row is None
    ]
    assert [(kind, cell) for kind, cell, _ in labels] == [
        ("incorrect-label", "Name"),
        ("incorrect-label", "name"),
        ("incorrect-label", "id"),
    ]
    assert "p3.csv" in labels[1][2] and "p3.csv" in labels[2][2] and "p1" not in labels[0][2]
    assert [(finding.type, finding.row) for finding in report.findings if finding.row] == [("type-error", 4)]


@st.composite
def rows_in_parts(draw):
    """Fields and rows (keys, ragged and blank rows, maybe a broken header), and where to cut them."""
    fields = [draw(field_specs(f"f{index}", KEY_TYPES)) for index in range(draw(st.integers(2, 3)))]
    schema = {"primaryKey": ["f0"]} if draw(st.booleans()) else {}
    rows = draw(rows_of(fields, 16))
    labels = [spec["name"] for spec in fields]
    if draw(st.integers(0, 5)) == 0:
        labels[0] = "other"
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), min_size=1, max_size=3)))
    return fields, schema, labels, [rows[start:end] for start, end in zip([0, *cuts], [*cuts, len(rows)])]


@RANDOM_SEARCH
@given(rows_in_parts())
def test_a_folder_of_parts_reads_as_the_same_rows_in_one_file(case):
    """The folder is the arrow engine's own: its findings must be those of the rows in one file."""
    fields, schema, labels, chunks = case
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "one").mkdir()
        (root / "one" / "t.csv").write_bytes(to_csv([labels, *[row for chunk in chunks for row in chunk]]))
        (root / "parts" / "t").mkdir(parents=True)
        for index, chunk in enumerate(chunks):
            (root / "parts" / "t" / f"part-{index:03d}.csv").write_bytes(to_csv([labels, *chunk]))
        found = []
        for folder, path in (("one", "t.csv"), ("parts", "t")):
            # the delimiter declared: guessed from rows with ";" in cells, it might cut a part's cells
            # into a quoted cell that runs on into the next part, which a part alone cannot do
            dialect = {"header": True, "delimiter": ","}
            resource = {**table("t", fields, **schema), "path": path, "dialect": dialect}
            descriptor = write_package(root / folder, [resource], {})
            report = parity_findings(descriptor, "arrow")[1]
            found.append(sorted((finding.type, finding.row, finding.field) for finding in report.findings))
        assert found[0] == found[1]


def utf16(text: str) -> bytes:
    return text.encode("utf-16")  # with its BOM, as each file of a folder written in UTF-16 has


FOLDERS = {  # parts, and the rows they hold
    # each part is a file: its own BOM, its own UTF-16 BOM, its own last line without a line end
    "bom-in-a-later-part": ([b"a,b\n1,x\n", b"\xef\xbb\xbfa,b\n2,y\n"], 2),
    "utf-16": ([utf16("a,b\n1,x\n"), utf16("a,b\n2,y\n")], 2),
    "first-part-without-line-end": ([b"a,b", b"a,b\n2,y\n"], 1),
    "first-part-a-header-without-line-end": ([b"a;b", b"a;b\n1;x\n2;y\n"], 2),  # the dialect guessed whole
    "an-empty-part": ([b"a,b\n1,x\n", b"", b"a,b\n2,y\n"], 2),
    "small-first-part": ([b"a,b\n1,x\n", b"a,b\n" + b"".join(b"%d,y\n" % n for n in range(2, 40))], 39),
}


@pytest.mark.parametrize(("parts", "rows"), FOLDERS.values(), ids=FOLDERS)
def test_each_part_of_a_folder_is_read_as_a_file(tmp_path, parts, rows):
    """The same rows in one file have no findings: nor may the folder."""
    (tmp_path / "t").mkdir()
    for index, content in enumerate(parts):
        (tmp_path / "t" / f"part-{index}.csv").write_bytes(content)
    (tmp_path / "t" / "part-x.csv").mkdir()  # a folder named as a part is none
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    resource = {**table("t", fields), "path": "t"}
    resource.pop("encoding")
    report = parity_findings(write_package(tmp_path, [resource], {}), "arrow")[1]
    assert report.findings == [] and report.rows_checked == rows


def test_the_progress_of_a_list_of_parts_counts_every_byte(tmp_path):
    """Each later part's first line is skipped unread, yet counted: the bar ends at the parts' size."""
    from contextlib import contextmanager

    class Recorder:
        def __init__(self):
            self.totals: dict[str, int] = {}
            self.done: dict[str, int] = {}

        @contextmanager
        def task(self, name, total):
            self.totals[name] = total
            self.done[name] = 0
            yield lambda count: self.done.__setitem__(name, self.done[name] + count)

    files = {"p1.csv": b"a,b\n1,x\n", "p2.csv": b"a,b\n2,y\n3,z\n", "p3.csv": b"a,b\n4,w\n"}
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    resource = {**table("t", fields), "path": list(files)}
    recorder = Recorder()
    report = Report()
    standard_checks(
        load_package(write_package(tmp_path, [resource], files)), report, progress=recorder, workers=1
    )
    assert report.findings == [] and recorder.done["t"] == recorder.totals["t"] == sum(
        map(len, files.values())
    )


def test_a_file_read_again_takes_back_only_the_bytes_it_counted(tmp_path, monkeypatch):
    """Cut into pieces, a file with quoted line ends is read again as one stream: the bar goes back to
    where the file began, never below, and ends at the file's size."""
    from contextlib import contextmanager

    from ecodata.validate.engine import reading

    monkeypatch.setattr(reading, "PIECE_SIZE", 64)
    monkeypatch.setattr(reading, "SMALLEST_PIECE", 64)
    counts: list[int] = []

    class Recorder:
        @contextmanager
        def task(self, name, total):
            yield counts.append

    content = b"a,b\n" + b"".join(b'%d,"two\nlines"\n' % n for n in range(100))
    fields = [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]
    descriptor = write_package(tmp_path, [table("t", fields)], {"t.csv": content})
    standard_checks(load_package(descriptor), Report(), progress=Recorder())
    running = [sum(counts[: index + 1]) for index in range(len(counts))]
    assert any(count < 0 for count in counts) and min(running) >= 0 and running[-1] == len(content)


@pytest.mark.parametrize("address", ["nonsense", "tcp://127.0.0.1:9", "web server"])
def test_a_dask_address_without_a_scheduler_cannot_run_in_one_line(tmp_path, address):
    """Exit 3 ("a bug in ecodata") was what a mistyped --dask address gave, after 30 s; an address where
    a web server answers (a scheduler's dashboard, given by mistake) held the command for ever."""
    import http.server
    import threading

    from click.testing import CliRunner

    from ecodata.cli import cli

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    if address == "web server":
        address = f"tcp://127.0.0.1:{server.server_address[1]}"
    try:
        result = CliRunner().invoke(cli, ["validate", str(parts_package(tmp_path)), "--dask", address])
    finally:
        server.shutdown()
    assert result.exit_code == 2 and result.output.startswith(f"Error: --dask {address}: no Dask scheduler")
    assert len(result.output.strip().splitlines()) == 1, result.output

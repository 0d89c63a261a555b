"""Pages people can read: what each table's pages show first comes from the descriptor's declarations
(display.py), and numbers read as people read them (figures.py)."""

from __future__ import annotations

import pytest

from ecodata.display import chinese_label, page_plan
from ecodata.figures import chinese_reading, plain_number, qualifier_marker


@pytest.mark.parametrize(
    "value, shown",
    [
        (1728000.0, "1,728,000"),
        (474.0, "474"),
        (18.0, "18"),
        (2020, "2020"),
        (11800, "11,800"),
        (0.25, "0.25"),
        (12345.5, "12,345.5"),
        (1.18, "1.18"),
        (-25000.0, "-25,000"),
    ],
)
def test_numbers_read_as_people_read_them(value, shown):
    assert plain_number(value) == shown


def test_the_quote_s_own_reading_and_marker_are_found():
    assert chinese_reading(1728000.0, "各类自然保护地面积超过172.8万平方公里") == "172.8万"
    assert chinese_reading(474.0, "国家级自然保护区474个") is None  # written without 万: nothing beside it
    assert chinese_reading(520000.0, "长期保存作物种质资源52万余份") == "52万"
    assert qualifier_marker(1728000.0, "各类自然保护地面积超过172.8万平方公里", "more_than") == "超过"
    assert qualifier_marker(18.0, "占国土面积18%以上", "at_least") == "以上"


def test_a_field_s_chinese_label_is_the_last_sentence_of_its_description():
    assert chinese_label("Unit of value, as stated (code list codes_unit); empty. 单位。") == "单位"
    assert chinese_label("SHA-256 of the archived file's bytes. 存档文件的SHA-256。") == "存档文件的SHA-256"
    assert chinese_label("Only English. No Chinese here.") == ""


def test_a_plan_comes_from_the_declarations_not_from_names():
    resource = {
        "name": "things",
        "schema": {
            "primaryKey": ["key"],
            "fields": [
                {"name": "key", "type": "string"},
                {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
                {"name": "naam_nl", "type": "string"},
                {"name": "naam_fr", "type": "string"},
                {"name": "amount", "type": "number"},
                {"name": "per", "type": "string"},
                {"name": "how", "type": "string"},
                {"name": "when", "type": "date"},
                {"name": "said", "type": "string"},
                {"name": "doc", "type": "string"},
            ],
        },
    }
    declared = {
        "bilingual": {"pairs": ["_nl", "_fr"]},
        "qualifier": {"value": "amount", "qualifier": "how", "quote": "said"},
        "value-in-quote": {"values": ["amount"], "quote": "said"},
    }
    plan = page_plan(resource, declared, {"quote": "said", "source": "doc"}, {"amount": "per"})
    assert plan["order"][:7] == ["key", "naam_nl", "naam_fr", "amount", "when", "doc", "said"]
    assert plan["figures"]["amount"] == {"unit": "per", "symbol": None, "qualifier": "how"}
    bare = page_plan(resource, {}, None, {})
    assert bare["order"][:3] == ["key", "naam_nl", "amount"] and bare["quote"] is None
    assert bare["figures"]["amount"] == {"unit": None, "symbol": None, "qualifier": None}

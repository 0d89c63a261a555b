import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecodata.numbers import chinese_to_number, numbers_in, readable_from


@pytest.mark.parametrize(
    "text, number",
    [
        ("三", 3),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("一百零八", 108),
        ("一千二百", 1200),
        ("二十万", 200000),
        ("两", 2),
        ("三千万", 30000000),
        ("一亿", 100000000),
        ("百万", 1000000),
    ],
)
def test_chinese_numerals(text, number):
    assert chinese_to_number(text) == number


@pytest.mark.parametrize("text", ["万", "亿", "千", "百"])
def test_a_bare_multiplier_is_not_a_number(text):
    assert chinese_to_number(text) is None


@pytest.mark.parametrize(
    "quote, value",
    [
        ("各类自然保护地总数量已达1.18万个", 11800),
        ("连续两年安排超过2600亿资金", 260000000000),
        ("累计下达转移支付资金5235亿元", 523500000000),
        ("全国共完成造林面积7130.7万公顷", 71307000),
        ("长期保存作物种质资源 52万余份", 520000),
        ("约占陆地国土面积的 28.8%", 28.8),
        ("占全球植物年增新种数的十分之一", 10),
        ("占全球植物年增新种数的十分之一", 0.1),
        ("分别建立了三大保护种群", 3),
        ("实行10年禁捕", 10),
        ("每年3至4个月的禁渔期", 4),
        ("中老跨境生物多样性联合保护区面积达 20万公顷", 200000),
    ],
)
def test_values_readable_from_quotes(quote, value):
    assert readable_from(value, quote)


@pytest.mark.parametrize(
    "quote, value",
    [
        ("国家级自然保护区474个", 475),
        ("各类自然保护地总数量已达1.18万个", 118000),
        ("保存植物2.3万余种", 2300),
    ],
)
def test_values_not_in_quotes(quote, value):
    assert not readable_from(value, quote)


@given(st.integers(min_value=0, max_value=10**12))
def test_any_arabic_number_is_read_back(number):
    assert readable_from(number, f"共有{number}个")


@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("万", 10**4), ("亿", 10**8)]))
def test_multipliers_apply_to_arabic_numbers(number, unit):
    suffix, factor = unit
    assert number * factor in numbers_in(f"达到{number}{suffix}公顷")


def test_a_number_in_a_message_is_written_plainly_never_rounded():
    from ecodata.numbers import number_text

    assert [number_text(n) for n in (1136869.0, 1136869, 0.25, 172.8, -3.0)] == [
        "1136869",
        "1136869",
        "0.25",
        "172.8",
        "-3",
    ]

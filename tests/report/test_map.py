"""The province choropleth: bundled boundaries, one path per province, classes and legend."""

from __future__ import annotations

import re

from roshan.report.map import NO_DATA, PALETTE, choropleth_svg, province_names


def test_all_31_provinces_known() -> None:
    names = province_names()
    assert len(names) == 31
    assert names["IR-23"][0] == "Tehran" and names["IR-30"][0] == "Alborz"
    assert all(re.fullmatch(r"IR-\d\d", c) for c in names)


def test_values_coloured_by_class() -> None:
    svg = choropleth_svg({"IR-23": 100.0, "IR-07": 1.0, "IR-10": None}, title="T <&>")
    assert svg.startswith("<svg") and "T &lt;&amp;&gt;" in svg
    paths = {
        code: fill
        for fill, code in re.findall(r'fill="(#[0-9a-f]{6})"[^>]*data-code="(IR-\d\d)"', svg)
    }
    assert paths["IR-23"] == PALETTE[-1]
    assert paths["IR-07"] == PALETTE[0]
    assert paths["IR-10"] == NO_DATA and paths["IR-00"] == NO_DATA
    assert 'data-value="100"' in svg
    assert "Natural Earth" in svg  # attribution drawn on the map itself


def test_persian_digits_in_legend() -> None:
    svg = choropleth_svg({"IR-23": 50.0}, title="نقشه", lang="fa")
    legend = svg[svg.index('class="legend"') :]
    assert "۵" in legend or "۱" in legend
    assert not re.search(r">[^<]*[0-9][^<]*</text>", legend.split("Boundaries")[0])

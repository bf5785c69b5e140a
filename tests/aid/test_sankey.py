"""The aid-flow Sankey is drawn by ECharts, which needs a graph without cycles: stock that goes round
(a hospital handing units back) must not break the picture, and no link is lost from the table."""

from hamdeli.aid import sankey


def test_opposite_links_are_netted_to_the_way_most_units_went():
    drawn = sankey.acyclic([("store", "hospital", 100), ("hospital", "store", 30)])
    assert drawn == [("store", "hospital", 70)]
    assert sankey.acyclic([("a", "b", 5), ("b", "a", 5)]) == []


def test_a_longer_cycle_loses_its_lightest_link_in_the_picture_but_not_in_the_table():
    links = [("donor", "store", 500), ("store", "university", 300), ("university", "hospital", 200),
             ("hospital", "store", 20)]
    drawn = sankey.acyclic(links)
    assert ("hospital", "store", 20) not in drawn and len(drawn) == 3
    chart = sankey.chart(links)
    assert chart["kind"] == "sankey" and len(chart["rows"]) == 4
    assert {node["name"] for node in chart["nodes"]} == {"donor", "store", "university", "hospital"}


def test_nothing_moved_means_no_chart():
    assert sankey.chart([]) is None

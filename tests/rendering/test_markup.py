"""The rendering layer: the one table builder, link lists and the one page head."""

import pandas as pd

from elevhalsa_analysis.markup import CSP, links_html, page_head, standalone_page, table_html


def test_code_columns_are_set_as_code_and_escaped():
    frame = pd.DataFrame({"Fil": ["a<b>.csv"], "SHA-256": ["ab12"]})
    out = table_html(frame, "Filer", row_headers=True, code=["SHA-256"])
    assert '<tr><th scope="row">a&lt;b&gt;.csv</th><td><code class="hash">ab12</code></td></tr>' in out


def test_links_stand_one_a_line_with_a_dash_where_there_are_none():
    assert links_html([("a b.html", "A & B"), ("c.html", "C")]) == '<a href="a b.html">A &amp; B</a><br><a href="c.html">C</a>'
    assert links_html([]) == "–"


def test_a_column_of_links_only_stays_links_in_an_object_frame():
    out = table_html(pd.DataFrame({"Länk": [links_html([("x.html", "X")])]}, dtype=object), "Länkar")
    assert '<td><a href="x.html">X</a></td>' in out


def test_standalone_pages_start_with_the_one_page_head():
    page = standalone_page("Titel <1>", "<p>text</p>")
    assert page.startswith(page_head("Titel <1>"))
    assert f'content="{CSP}"' in page and "<title>Titel &lt;1&gt;</title>" in page

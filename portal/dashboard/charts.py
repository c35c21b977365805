"""Charts drawn on the server as accessible SVG: a title, a text alternative, no script and no inline style."""
from __future__ import annotations

import math
from functools import cache, cached_property
from dataclasses import dataclass

from markupsafe import Markup

SVG = "{http://www.w3.org/2000/svg}"


@cache
def _pygal():
    """pygal, its chart kinds and the style, imported by the process that draws (the job worker): about 15 MB that
    no web worker needs, since pages show what the job drew."""
    import pygal
    from pygal.style import Style

    # Colours and fonts live in portal.css (the Content-Security-Policy refuses inline style); these only size text.
    style = Style(font_family="inherit", title_font_size=18, label_font_size=13, major_label_font_size=13,
                  legend_font_size=14, value_font_size=13)
    return {"bar": pygal.Bar, "stacked": pygal.StackedBar, "line": pygal.Line}, style


@dataclass(frozen=True)
class Chart:
    """A chart's title, what it says in words, its labels and series; `svg` draws it."""
    key: str
    title: str
    summary: str
    labels: list
    series: list  # (name, values) pairs, values aligned with labels
    kind: str = "bar"
    x_title: str = ""
    y_title: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.labels or not any(v for _, values in self.series for v in values if v)

    def svg(self) -> Markup:
        """The chart as inline SVG, labelled by its title and summary for screen readers."""
        return self._drawn

    @cached_property
    def _drawn(self) -> Markup:
        # Drawn once per chart, by the job that counts the figures (portal/kept): views show what it drew.
        kinds, style = _pygal()
        chart = kinds[self.kind](
            title=self.title, style=style, js=[], disable_xml_declaration=True, no_prefix=True, width=800, height=360,
            show_legend=len(self.series) > 1, legend_at_bottom=True, legend_at_bottom_columns=min(len(self.series), 5),
            x_title=self.x_title or None, y_title=self.y_title or None, show_minor_x_labels=len(self.labels) <= 24,
            x_labels_major_every=max(1, len(self.labels) // 12), truncate_label=-1, print_values=False,
            show_dots=len(self.labels) <= 60, dots_size=3, x_label_rotation=self._rotation(),
        )
        chart.y_labels = self._whole_numbers()
        chart.add_xml_filter(self._accessible)
        chart.x_labels = [str(label) for label in self.labels]
        for name, values in self.series:
            chart.add(name, list(values))
        return Markup(chart.render(is_unicode=True))

    def _rotation(self) -> int:
        """Degrees to tilt the labels by: long ones side by side would run into each other."""
        shown = self.labels[::max(1, len(self.labels) // 12)]
        if not shown:
            return 0
        # About 7 px a character at the label size; each label has its share of the 640 px or so the plot leaves.
        return 20 if max(len(str(label)) for label in shown) * 7 > 560 / len(shown) else 0

    def _whole_numbers(self) -> list[int]:
        """Five or so whole-number steps up to the tallest bar: counts have no 0.1 of a pair."""
        columns = list(zip(*(values for _, values in self.series), strict=True)) or [(0,)]
        top = max((sum(column) if self.kind == "stacked" else max(column)) for column in columns) or 1
        step = max(1, math.ceil(top / 5))
        return list(range(0, top + step, step))

    def _accessible(self, root):
        """Drop pygal's <style>, script and style attributes (portal.css draws the chart); add <title> and <desc>."""
        from lxml import etree

        for element in list(root.iter()):
            if element.tag in ("style", "script", "title", f"{SVG}style", f"{SVG}script", f"{SVG}title") \
                    or element.tag is etree.Comment:
                element.getparent().remove(element)  # the page's CSS draws the chart; pygal's script is not loaded
            elif "tooltip" in (element.get("class") or "").split() and element.tag in ("g", f"{SVG}g"):
                element.getparent().remove(element)  # the tooltip box is only shown by that script
            else:
                element.attrib.pop("style", None)
        title, desc = f"svg-{self.key}-title", f"svg-{self.key}-desc"  # a chart's key is unique on its page
        root.set("id", f"svg-{self.key}")
        root.set("role", "img")
        root.set("aria-labelledby", f"{title} {desc}")
        root.set("class", f"{root.get('class', '')} chart-svg".strip())
        for name, tag, text in ((desc, "desc", self.summary), (title, "title", self.title)):
            node = etree.Element(tag, id=name)
            node.text = text
            root.insert(0, node)
        return root

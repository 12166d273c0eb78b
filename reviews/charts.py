"""Charts as SVG made on the server: the same image in the page and the PDF, always beside its data table."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[int]


LABEL_WIDTH = 330
BAR_AREA = 300
BAR_HEIGHT = 14
GAP = 10
VALUE_WIDTH = 40


def bar_chart(*, title: str, categories: list[str], series: list[Series], chart_id: str) -> SafeString:
    """A horizontal grouped bar chart. Text is escaped; colours come from the code, never from users."""
    largest = max([value for item in series for value in item.values] + [1])
    group_height = BAR_HEIGHT * len(series) + GAP
    legend_height = 24
    height = legend_height + group_height * len(categories) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = []
    for index, item in enumerate(series):
        x = LABEL_WIDTH + index * 150
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="12" height="12" fill="{}"/><text x="{}" y="15" font-size="12">{}</text>',
                x,
                item.colour,
                x + 18,
                item.name,
            )
        )
    for row, category in enumerate(categories):
        top = legend_height + row * group_height
        label = category if len(category) <= 48 else category[:47] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="12" text-anchor="end">{}</text>',
                LABEL_WIDTH - 8,
                top + BAR_HEIGHT * len(series) / 2 + 4,
                label,
            )
        )
        for index, item in enumerate(series):
            value = item.values[row]
            bar_width = round(BAR_AREA * value / largest)
            y = top + index * BAR_HEIGHT
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                    '<text x="{}" y="{}" font-size="11">{}</text>',
                    LABEL_WIDTH,
                    y,
                    bar_width,
                    BAR_HEIGHT - 2,
                    item.colour,
                    LABEL_WIDTH + bar_width + 4,
                    y + BAR_HEIGHT - 4,
                    value,
                )
            )
    body = format_html_join("", "{}", ((part,) for part in parts))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {} {}" width="{}" height="{}" '
        'font-family="Arial, Helvetica, DejaVu Sans, sans-serif" role="img" aria-labelledby="{}-title"><title id="{}-title">{}</title>{}</svg>',
        width,
        height,
        width,
        height,
        chart_id,
        chart_id,
        title,
        body,
    )


def findings_by_theme_chart(rows: list[dict], chart_id: str = "findings-by-theme") -> SafeString:
    return bar_chart(
        title="Findings by theme: strengths and areas for consideration (the table beside it has the figures)",
        categories=[row["theme"].name for row in rows],
        series=[
            Series("Strengths", "#00703c", [row["strengths"] for row in rows]),
            Series("Areas for consideration", "#d4351c", [row["areas"] for row in rows]),
        ],
        chart_id=chart_id,
    )

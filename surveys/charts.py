"""The charts of the PDF bilans, drawn by matplotlib as SVG documents.

matplotlib's object API (Figure, no pyplot) keeps no global state, so Celery workers in
threads draw safely, and no display is needed (the SVG canvas is headless like Agg).
"""

import io
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

BLUE, RED, GREY = "#000091", "#e1000f", "#666666"  # DSFR blue France, red Marianne


def bar_chart(*, title: str, labels: Sequence[str], values: Sequence[float], unit: str = "") -> str:
    """One bar per label, its value written on top; returns an SVG document."""
    figure, axes = _figure(title, len(labels))
    bars = axes.bar(labels, values, color=BLUE)
    axes.bar_label(bars, labels=[_french(v) for v in values], fontsize=7)
    axes.set_ylabel(unit)
    axes.tick_params(axis="x", labelrotation=60 if len(labels) > 6 else 0, labelsize=7)
    return _svg(figure)


def grouped_bar_chart(
    *, title: str, labels: Sequence[str], series: dict[str, Sequence[float]], unit: str = ""
) -> str:
    """Bars of several series side by side for each label (e.g. shares per territory)."""
    figure, axes = _figure(title, len(labels))
    width = 0.8 / max(len(series), 1)
    colours = [BLUE, RED, GREY, "#18753c"]
    for index, (name, values) in enumerate(series.items()):
        positions = [i + index * width for i in range(len(labels))]
        axes.bar(positions, values, width, label=name, color=colours[index % len(colours)])
    axes.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(labels))], labels)
    axes.tick_params(axis="x", labelrotation=60 if len(labels) > 6 else 0, labelsize=7)
    axes.set_ylabel(unit)
    # Below the axes, where no bar can hide it (shares reach 100 %).
    figure.legend(loc="outside lower center", ncols=len(series), fontsize=7, frameon=False)
    return _svg(figure)


def line_chart(
    *, title: str, labels: Sequence[str], values: Sequence[float], unit: str = ""
) -> str:
    """A line over `labels` (school years), each point's value written beside it."""
    figure, axes = _figure(title, len(labels))
    axes.plot(labels, values, marker="o", color=BLUE)
    for label, value in zip(labels, values, strict=True):
        axes.annotate(_french(value), (label, value), textcoords="offset points", xytext=(0, 6))
    axes.set_ylabel(unit)
    axes.set_ylim(bottom=0)
    return _svg(figure)


def _figure(title: str, count: int) -> tuple[Figure, object]:
    figure = Figure(figsize=(min(max(count * 0.35, 6), 11), 3.6), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # no "0.2 class"
    return figure, axes


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    # Text stays text (not paths): smaller files, and the PDF's words can be searched.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "astep"}):
        figure.savefig(out, format="svg")
    return out.getvalue()


def _french(value: float) -> str:
    return f"{value:g}".replace(".", ",")

"""``kb stats`` drawn in a terminal with rich, from ``kb.review.stats.compute_stats``'s data."""

from __future__ import annotations

from datetime import date, timedelta


def render_stats(data: dict, console) -> None:
    """Draw ``compute_stats`` output in the terminal."""
    from rich.table import Table
    from rich.text import Text

    t = data["today"]
    console.print(Text("Today", style="bold"))
    again = f"{t['again_rate']:.0%}" if t["again_rate"] is not None else "-"
    console.print(
        f"  {t['reviewed']} reviews ({t['new_introduced']} new) in {int(t['seconds'] // 60)}m, again rate {again}; "
        f"still due: {t['due']['learning']} learning, {t['due']['review']} review, "
        f"{t['due']['new_available']} new available"
    )
    console.print(Text("\nForecast (cards due per day)", style="bold"))
    peak = max((d["due"] for d in data["forecast"]), default=0) or 1
    width = 40
    for d in data["forecast"]:
        bar = "█" * round(d["due"] / peak * width) if d["due"] else ""
        console.print(f"  {d['day'][5:]} {d['due']:>6} [green]{bar}[/green]")
    r = data["retention"]
    console.print(Text(f"\nTrue retention, last {r['days']} days", style="bold"))
    table = Table(box=None, padding=(0, 2))
    for col in ("", "reviews", "passed", "retention"):
        table.add_column(col, justify="right")
    for label, part in (("young", r["young"]), ("mature", r["mature"]), ("total", r)):
        ret = f"{part['retention']:.1%}" if part["retention"] is not None else "-"
        table.add_row(label, str(part["reviews"]), str(part["passed"]), ret)
    console.print(table)
    console.print(f"  (desired retention {r['desired']:.0%})")
    s = data["streak"]
    console.print(
        Text(
            f"\nStreak: {s['current']} day{'s' if s['current'] != 1 else ''} (longest {s['longest']})",
            style="bold",
        )
    )
    console.print(Text("\nReviews, last 52 weeks (· none, ░ ▒ ▓ █ more)", style="bold"))
    for line in heatmap_lines(data["heatmap"], date.fromisoformat(data["today"]["day"])):
        console.print(line)


def heatmap_lines(heatmap: list[dict], today: date, weeks: int = 52) -> list:
    """A GitHub-style grid: one row per weekday, one column per week, shaded by the day's review count."""
    from rich.text import Text

    counts = {d["day"]: d["reviews"] for d in heatmap}
    peak = max(counts.values(), default=0)
    shades = ["grey23", "green4", "green3", "green1", "bright_green"]
    blocks = "·░▒▓█"  # readable without colour too (piped output, NO_COLOR)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    lines = []
    for weekday in range(7):
        line = Text("  " + "MTWTFSS"[weekday] + " ")
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            if day > today:
                line.append(" ")
                continue
            n = counts.get(day.isoformat(), 0)
            level = 0 if not n else min(4, 1 + int(3 * n / peak)) if peak else 0
            line.append(blocks[level], style=shades[level])
        lines.append(line)
    return lines

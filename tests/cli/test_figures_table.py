from rich.console import Console

from leadrouter.cli.report import figures_table


def _drawn(table) -> list[str]:
    console = Console(width=60, record=True, color_system=None)
    console.print(table)
    return console.export_text().splitlines()


def test_figures_table__of_named_lines_draws_no_empty_header_row():
    table = figures_table("Summary", "", "")
    table.add_row("leads received", "400")

    lines = _drawn(table)

    assert lines[0].strip() == "Summary"
    assert "leads received" in lines[2]  # the top border, then the first line: no blank header
    assert not any("┃" in line for line in lines)  # the heavy rule is drawn only by a header


def test_figures_table__with_column_names_draws_them_above_the_figures():
    table = figures_table("Fallback queues", "queue", "waiting")
    table.add_row("unrouted", "4")

    lines = _drawn(table)

    assert "queue" in lines[2] and "waiting" in lines[2]
    assert lines[2].index("queue") < lines[2].index("waiting")
    assert "unrouted" in lines[4]

"""A decision drawn as a Rich tree for the terminal; the sentences come from `explain`."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from rich.tree import Tree

from leadrouter.explain import ACCOUNT_CODES, describe_rep, describe_rule, headline
from leadrouter.model import Decision, Reason


def render(decision: Decision) -> Group:
    """A Rich renderable of the decision for the terminal."""
    trace = decision.trace
    style = "bold red" if decision.fallback else "bold green"
    root = Tree(Text(headline(decision), style=style))
    if trace.warnings:
        branch = root.add(Text("Data quality", style="yellow"))
        for w in trace.warnings:
            branch.add(f"{w.field}: {w.message}")
    account_notes = [n for n in trace.notes if n.code in ACCOUNT_CODES]
    if trace.match is not None or account_notes:
        branch = root.add("Account")
        if trace.match is not None:
            m = trace.match
            branch.add(
                f"{m.account.name} ({m.account.id}) — {m.method}, confidence "
                f"{m.confidence:.2f}{'' if m.strong else ' (weak)'}: {m.reason}"
            )
        else:
            for note in account_notes:
                branch.add(note.message)
    if trace.score is not None:
        s = trace.score
        branch = root.add(
            f"Score {s.total:g} (fit {s.fit:g}, behavior {s.behavior:g})"
            + (", MQL" if s.mql else ", below MQL")
        )
        for line in s.lines:
            branch.add(f"{line.points:+g}  {line.label} ({line.kind})")
    rules = root.add("Rules tried")
    for r in trace.rules:
        rules.add(Text(describe_rule(r), style="green" if r.matched else "dim"))
    if trace.reps:
        reps = root.add("Reps considered")
        for c in trace.reps:
            picked = c.reason in (Reason.REP_SELECTED, Reason.ASSIGNED_ANYWAY)
            reps.add(Text(describe_rep(c), style="green" if picked else ""))
    other_notes = [n for n in trace.notes if n.code not in ACCOUNT_CODES]
    if other_notes:
        notes = root.add("Notes")
        for n in other_notes:
            notes.add(Text(n.message, style="red" if n.code is Reason.ROUTING_ERROR else ""))
    return Group(root)

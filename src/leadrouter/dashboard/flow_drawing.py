"""Where each box and line of the flow view goes: rules stacked top to bottom on the left, each
as tall as its branches, the destinations in a column on the right, one curve per branch whose
width follows its leads. Geometry only (pixels of an SVG viewBox); the template draws it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # flow.py draws with this module
    from leadrouter.dashboard.flow import Branch, Destination, Flow, Step

ROW = 38  # height of one branch of a rule
GAP = 26  # between two rules: room for the "else" arrow
RULE_X, RULE_W = 8, 330
TARGET_X, TARGET_W, TARGET_H, TARGET_GAP = 650, 240, 30, 14
WIDTH = TARGET_X + TARGET_W + 8
MAX_STROKE = 9.0


@dataclass(frozen=True, slots=True)
class RuleBox:
    step: Step
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class TargetBox:
    destination: Destination
    leads: int
    link: str
    y: int


@dataclass(frozen=True, slots=True)
class Curve:
    step: Step
    branch: Branch
    path: str
    label_x: int
    label_y: int
    stroke: float


@dataclass(frozen=True, slots=True)
class Drawing:
    width: int
    height: int
    rules: tuple[RuleBox, ...]
    targets: tuple[TargetBox, ...]
    curves: tuple[Curve, ...]
    arrows: tuple[str, ...]  # the "else" paths from one rule down to the next


def layout(flow: Flow) -> Drawing:
    """Positions for every rule, destination and branch of `flow`."""
    rules, starts, arrows = [], [], []
    y = 8
    for i, step in enumerate(flow.steps):
        height = max(1, len(step.branches)) * ROW - 8
        rules.append(RuleBox(step, RULE_X, y, RULE_W, height))
        starts += [(step, b, y + j * ROW + (ROW - 8) // 2) for j, b in enumerate(step.branches)]
        if i + 1 < len(flow.steps):
            x = RULE_X + 24
            arrows.append(f"M {x} {y + height} L {x} {y + height + GAP - 4}")
        y += height + GAP
    column = len(flow.destinations) * (TARGET_H + TARGET_GAP)
    top = max(8, (y - column) // 2)
    targets = tuple(
        TargetBox(destination, leads, link, top + k * (TARGET_H + TARGET_GAP))
        for k, (destination, leads, link) in enumerate(flow.destinations)
    )
    where = {t.destination.key: t.y + TARGET_H // 2 for t in targets}
    most = max((b.leads for _, b, _ in starts), default=0) or 1
    curves = []
    for step, branch, sy in starts:
        ty = where[branch.destination.key]
        x0, x1 = RULE_X + RULE_W, TARGET_X
        middle = (x0 + x1) // 2
        curves.append(
            Curve(
                step,
                branch,
                f"M {x0} {sy} C {middle} {sy}, {middle} {ty}, {x1} {ty}",
                x0 + 8,
                sy - 5,
                round(1 + (MAX_STROKE - 1) * branch.leads / most, 1),
            )
        )
    height = max(y, top + column) + 8
    return Drawing(WIDTH, height, tuple(rules), targets, tuple(curves), tuple(arrows))

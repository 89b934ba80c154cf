"""Editable Jinja2 templates for notification text, with a folder that can override them.

Each template is `<event>.txt.j2` with a `subject` block and a `body` block, rendered as plain
text (Slack reads it as mrkdwn). A file of the same name in the override folder (settings) wins
over the packaged one. Undefined variables are errors, so a template typo fails loudly in tests
rather than sending a blank deadline to a rep.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined

PACKAGED = Path(__file__).with_name("templates")


def _local(value: datetime, tz: str = "UTC") -> str:
    """A deadline as the reader thinks of it: in their own zone, with the zone named."""
    return value.astimezone(ZoneInfo(tz)).strftime("%a %d %b %Y %H:%M %Z")


class Templates:
    """The template set: packaged files, optionally overridden by files in `override`."""

    def __init__(self, override: Path | None = None) -> None:
        folders = [str(override)] if override else []
        self._env = Environment(
            loader=FileSystemLoader([*folders, str(PACKAGED)]),  # first folder wins
            undefined=StrictUndefined,
            autoescape=False,  # plain text and Slack mrkdwn, never HTML
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["local"] = _local

    def render(self, event: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """(subject, body) of the event's template."""
        template = self._env.get_template(f"{event}.txt.j2")
        ctx = template.new_context(dict(context))
        subject = "".join(template.blocks["subject"](ctx)).strip()
        body = "".join(template.blocks["body"](ctx)).strip() + "\n"
        return " ".join(subject.split()), body


@lru_cache(maxsize=8)
def templates(override: Path | None = None) -> Templates:
    """The shared template set for an override folder (compiled templates are cached inside)."""
    return Templates(override)

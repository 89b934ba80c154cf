"""The one exception hierarchy of leadrouter.

Each error carries what a user needs to act on it (a file position, a field path). The edges map
them to HTTP statuses (api) and exit codes (cli); the routing core never lets one escape for bad
lead data.
"""

from __future__ import annotations

from dataclasses import dataclass


class LeadRouterError(Exception):
    """Base of every error leadrouter raises on purpose."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    path: str  # e.g. "body.lead.email" or "row 12: employees"
    message: str


class NotFound(LeadRouterError):
    pass


class Conflict(LeadRouterError):
    pass


class PolicyTestsFailed(Conflict):
    """A policy version's own test cases (`tests:`) fail: it is not activated unless forced."""

    def __init__(self, version: str, failures: list[FieldProblem]) -> None:
        self.failures = failures
        super().__init__(
            f"policy version '{version}' fails {len(failures)} of its own test expectations: "
            "fix the policy, or activate with force=true"
        )


class IntegrationError(LeadRouterError):
    """A notification channel, webhook or other outside system failed."""


@dataclass(frozen=True, slots=True)
class SourceError:
    """One problem in a file the user wrote: where it is and what is wrong."""

    file: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    message: str
    field: str = ""  # dotted path in the document, e.g. "rules[3].when"

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class PolicyError(LeadRouterError):
    """A policy, team or test file is invalid. Carries every problem found, not just the first."""

    def __init__(self, errors: list[SourceError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class DataFileError(LeadRouterError):
    """A data file (CSV of leads or accounts) could not be read at all."""

    def __init__(self, error: SourceError) -> None:
        self.error = error
        super().__init__(str(error))


class LeadValidationError(LeadRouterError):
    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))

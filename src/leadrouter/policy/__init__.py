"""Policies as data: team.yaml and policy.yaml loaded, validated and compiled for the engine.

`load_team`/`parse_team` build the `model.Team`; `load_policy`/`compile_policy` build the
`compiled.CompiledPolicy` the engine runs. All four raise `errors.PolicyError` listing every
problem with file, line, column and field path. Nothing here runs per lead except the closures
the compiled conditions hold; the language itself is specified in docs/policy-language.md.
"""

from __future__ import annotations

from leadrouter.policy.compiler import compile_policy, load_policy
from leadrouter.policy.team import load_team, parse_team

__all__ = ["compile_policy", "load_policy", "load_team", "parse_team"]

"""The domain's value types, shared by every layer.

Everything here is a frozen, slotted dataclass or an enum: the routing core passes these values
around and never mutates them. Nothing in this package does I/O, reads the clock or imports any
other part of leadrouter. One module per domain: `lead` (a lead, its field types and data
warnings), `team` (reps, pools, queues), `account` (accounts and match results), `state` (what
routing remembers between leads), `decision` (decision, trace, effects), `reasons` (the closed
set of reason codes); `from leadrouter.model import X` reaches every one of them.
"""

from leadrouter.model.account import Account, AccountMatch, AccountType
from leadrouter.model.decision import (
    Decision,
    Effects,
    Kind,
    Note,
    Propensity,
    RepCheck,
    RuleCheck,
    Score,
    ScoreLine,
    Trace,
)
from leadrouter.model.frozen import EMPTY, plain_dict
from leadrouter.model.lead import (
    DERIVED_FIELDS,
    TIME_FIELDS,
    DataWarning,
    FieldType,
    Lead,
    NumberRange,
)
from leadrouter.model.reasons import Reason
from leadrouter.model.state import (
    NO_FAIRNESS,
    CompanyClaim,
    Fairness,
    PoolState,
    RepLoad,
    RoutingState,
)
from leadrouter.model.team import (
    Absence,
    Overflow,
    Pool,
    Queue,
    Rep,
    Shift,
    Strategy,
    Team,
    WhenFull,
)

__all__ = [
    "DERIVED_FIELDS",
    "EMPTY",
    "NO_FAIRNESS",
    "TIME_FIELDS",
    "Absence",
    "Account",
    "AccountMatch",
    "AccountType",
    "CompanyClaim",
    "DataWarning",
    "Decision",
    "Effects",
    "Fairness",
    "FieldType",
    "Kind",
    "Lead",
    "Note",
    "NumberRange",
    "Overflow",
    "Pool",
    "PoolState",
    "Propensity",
    "Queue",
    "Reason",
    "Rep",
    "RepCheck",
    "RepLoad",
    "RoutingState",
    "RuleCheck",
    "Score",
    "ScoreLine",
    "Shift",
    "Strategy",
    "Team",
    "Trace",
    "WhenFull",
    "plain_dict",
]

"""Distribution within a pool: fair rotation that follows the sun and explains every skip.

`pick_rep` asks the pool's strategy (round_robin.py, weighted.py, load_balanced.py,
least_recent.py) to choose among the members `unavailable` lets through (availability.py) and
the policy's `distribution:` rules leave in for the lead (eligibility.py), with newcomers and
returning reps calibrated (fairness.py), and returns a Pick: the rep or
None, one RepCheck per member considered, and the pool's new state. Every skipped member is
listed with its reason. Round-robin stops at the first available member in turn, so it lists
nobody after them; weighted and load-balanced pools weigh every member, and list the available
ones not chosen too in pools of up to `roster.LIST_EVERYONE_UP_TO` members (larger ones only
count them in the chosen member's detail). Everything here is a pure function of (pool, team,
routing state, now): no I/O, no clock reads, no randomness and no mutation; the engine records
the new pool state as an effect.
"""

from leadrouter.distribute.availability import local_day, unavailable
from leadrouter.distribute.load_balanced import least_loaded
from leadrouter.distribute.pick import pick_rep
from leadrouter.distribute.roster import Pick

__all__ = ["Pick", "least_loaded", "local_day", "pick_rep", "unavailable"]

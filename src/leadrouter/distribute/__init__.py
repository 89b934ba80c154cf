"""Distribution within a pool: fair rotation that follows the sun and explains every skip.

Pure functions of (pool, team, routing state, now): no I/O, no clock reads, no randomness, and no
mutation; the new pool state is returned for the engine to record as an effect.
"""

from leadrouter.distribute.availability import local_day, unavailable
from leadrouter.distribute.load_balanced import least_loaded
from leadrouter.distribute.pick import pick_rep
from leadrouter.distribute.roster import Pick

__all__ = ["Pick", "least_loaded", "local_day", "pick_rep", "unavailable"]

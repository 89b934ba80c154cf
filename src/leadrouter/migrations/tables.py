"""Every table the service owns, imported in one place so `Base.metadata` is complete.

Alembic's environment imports this module; a package that adds tables adds its import here.
"""

from leadrouter.accounts import models as accounts  # noqa: F401
from leadrouter.audit import models as audit  # noqa: F401
from leadrouter.connectors import models as connectors  # noqa: F401
from leadrouter.dashboard import sessions as dashboard_sessions  # noqa: F401
from leadrouter.keys import models as keys  # noqa: F401
from leadrouter.leads import companies as company_claims  # noqa: F401
from leadrouter.leads import models as leads  # noqa: F401
from leadrouter.leads import roles as lead_roles  # noqa: F401
from leadrouter.notify import models as notify  # noqa: F401
from leadrouter.policies import models as policies  # noqa: F401
from leadrouter.policies import splits as policy_splits  # noqa: F401
from leadrouter.pools import models as pools  # noqa: F401
from leadrouter.queues import models as queues  # noqa: F401
from leadrouter.reports import models as reports  # noqa: F401
from leadrouter.reps import models as reps  # noqa: F401
from leadrouter.sla import models as sla  # noqa: F401
from leadrouter.store import config_version  # noqa: F401
from leadrouter.store.base import Base
from leadrouter.users import models as users  # noqa: F401

metadata = Base.metadata

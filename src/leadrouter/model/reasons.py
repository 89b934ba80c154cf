"""The closed set of reason codes that traces, notes and data warnings carry.

Human wording lives in `explain`; this module only names the codes.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Closed set of reason codes carried in traces; wording lives in `explain`."""

    # rules
    RULE_MATCHED = "RULE_MATCHED"
    RULE_NOT_MATCHED = "RULE_NOT_MATCHED"
    FIELD_MISSING = "FIELD_MISSING"
    NO_RULE_MATCHED = "NO_RULE_MATCHED"
    # reps
    REP_SELECTED = "REP_SELECTED"
    REP_INACTIVE = "REP_INACTIVE"
    REP_UNKNOWN = "REP_UNKNOWN"
    REP_OUT_OF_OFFICE = "REP_OUT_OF_OFFICE"
    OUTSIDE_WORKING_HOURS = "OUTSIDE_WORKING_HOURS"
    CAPACITY_FULL = "CAPACITY_FULL"
    DAILY_CAP_REACHED = "DAILY_CAP_REACHED"
    WEEKLY_CAP_REACHED = "WEEKLY_CAP_REACHED"
    MONTHLY_CAP_REACHED = "MONTHLY_CAP_REACHED"
    FAIRNESS_RESET = "FAIRNESS_RESET"  # a pool's fairness counts started a new period
    COMPANY_STICKY = "COMPANY_STICKY"  # same net-new company as an earlier lead: same rep
    NOT_NEXT_IN_TURN = "NOT_NEXT_IN_TURN"
    HIGHER_LOAD = "HIGHER_LOAD"
    ASSIGNED_MORE_RECENTLY = "ASSIGNED_MORE_RECENTLY"  # least-recently-assigned: not the oldest
    REP_NOT_ELIGIBLE = "REP_NOT_ELIGIBLE"  # the pool's `eligible` condition is false for the rep
    REP_FILTERED = "REP_FILTERED"  # the rep's own `takes` condition is false for the lead
    OTHER_PREFERRED = "OTHER_PREFERRED"  # another member `prefers` this lead
    LOWER_PRIORITY = "LOWER_PRIORITY"  # a member of a higher priority tier is available
    ELIGIBILITY_FALLBACK = "ELIGIBILITY_FALLBACK"  # nobody eligible: the pool's fallback applied
    CALIBRATED = "CALIBRATED"  # a newcomer or returning rep started at the others' average
    TEAM_SPLIT = "TEAM_SPLIT"  # a capacity-weighted split chose the team (pool)
    POOL_EXHAUSTED = "POOL_EXHAUSTED"
    ASSIGNED_ANYWAY = "ASSIGNED_ANYWAY"
    # accounts and owners
    ACCOUNT_MATCHED = "ACCOUNT_MATCHED"
    ACCOUNT_NOT_MATCHED = "ACCOUNT_NOT_MATCHED"
    ACCOUNT_AMBIGUOUS = "ACCOUNT_AMBIGUOUS"
    ENRICHED = "ENRICHED"  # a missing field filled from the account or a provider
    ENRICHMENT_MISSED = "ENRICHMENT_MISSED"  # the provider timed out, failed or had no budget
    OWNER_ASSIGNED = "OWNER_ASSIGNED"
    OWNER_MISSING = "OWNER_MISSING"
    OWNER_UNAVAILABLE = "OWNER_UNAVAILABLE"
    OWNER_NOT_ELIGIBLE = "OWNER_NOT_ELIGIBLE"  # the owner does not meet the rule's `owner:` terms
    PARENT_OWNER = "PARENT_OWNER"
    OWNER_STICKY = "OWNER_STICKY"
    MANUAL_ASSIGNMENT = "MANUAL_ASSIGNMENT"  # a person assigned the lead (dashboard, API)
    DUPLICATE_LEAD = "DUPLICATE_LEAD"
    # data quality
    DATA_UNPARSEABLE = "DATA_UNPARSEABLE"
    DATA_MISSING = "DATA_MISSING"
    DATA_CORRECTED = "DATA_CORRECTED"
    # failures
    ROUTING_ERROR = "ROUTING_ERROR"
    FALLBACK = "FALLBACK"
    FALLBACK_ALERT = "FALLBACK_ALERT"  # landed in a fallback queue or routing failed
    # SLA clocks
    SLA_STARTED = "SLA_STARTED"
    SLA_REMINDER = "SLA_REMINDER"
    SLA_BREACHED = "SLA_BREACHED"
    SLA_ESCALATED = "SLA_ESCALATED"
    SLA_REASSIGNED = "SLA_REASSIGNED"
    SLA_RECYCLED = "SLA_RECYCLED"
    SLA_STEP_SKIPPED = "SLA_STEP_SKIPPED"
    SLA_MET = "SLA_MET"
    SLA_MET_LATE = "SLA_MET_LATE"
    SLA_STOPPED = "SLA_STOPPED"  # the lead was routed again: a new clock replaces this one
    # time
    GRACE_WAITED = "GRACE_WAITED"  # the lead waited the policy's grace delay before routing
    GRACE_CUT_SHORT = "GRACE_CUT_SHORT"  # routed before its grace delay ended (asked to)

"""Hardship aid: a worker applies, union staff take each step, the aid-step Lambda notifies,
runs the public notice and escalates what waits too long; money is paid exactly once.

Every step goes through ``steps._take``: the workflow table says where it leads, one DynamoDB
transaction writes the application (guarded by its version, so of two admins acting at once
exactly one wins), the step record and any ledger change, and an ``AidStepTaken`` event
follows for the aid-step Lambda.

The modules: ``views`` (reading), ``steps`` (writing a step, scope limits), ``applying`` (the
worker's side), ``reviewing`` (the staff's side), ``aftercare`` (the aid-step Lambda) and
``figures``; this module is the one surface routes, handlers and other features call.
"""
from __future__ import annotations

from .aftercare import (
    AID_TEMPLATE_ID,
    NOTIFY_TEXT,
    close_due_notices,
    escalate_overdue,
    my_notifications,
    notification_for,
    start_notice,
    tell_worker,
)
from .applying import create_draft, request_upload, submit, update_draft, withdraw
from .figures import count_step, figures
from .reviewing import disburse, public_notices, raise_objection, record_disbursement, take_step
from .steps import ancestors, scope_limits, set_scope_limits
from .views import EDITABLE, FEATURE, MAX_DOCUMENTS, STAFF_ROLES, get_application, list_types, my_applications, queue

__all__ = [
    "AID_TEMPLATE_ID",
    "EDITABLE",
    "FEATURE",
    "MAX_DOCUMENTS",
    "NOTIFY_TEXT",
    "STAFF_ROLES",
    "ancestors",
    "close_due_notices",
    "count_step",
    "create_draft",
    "disburse",
    "escalate_overdue",
    "figures",
    "get_application",
    "list_types",
    "my_applications",
    "my_notifications",
    "notification_for",
    "public_notices",
    "queue",
    "raise_objection",
    "record_disbursement",
    "request_upload",
    "scope_limits",
    "set_scope_limits",
    "start_notice",
    "submit",
    "take_step",
    "tell_worker",
    "update_draft",
    "withdraw",
]

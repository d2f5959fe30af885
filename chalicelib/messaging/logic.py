"""光年间 one-to-one chat (消息): send, deliver, history, inbox, read receipts, recall,
realtime delivery over WebSocket, and the 风控 safety rules.

The path of one message:
1. ``POST /messaging/messages`` (``send``) checks who may write to whom and the first-contact
   quota, then in one transaction counts the send against the rate limit and records it
   under a message id derived from the sender and the client message id (a retry finds it
   and gets the same answer), and puts it on the ``message-send`` FIFO queue grouped by
   conversation. It answers 202 at once, without a sequence number.
2. The message-send Lambda (``deliver``) takes a conversation's messages in queue order, runs
   the safety checks (standing, blocks, the rule table) and numbers each message: one
   transaction moves the conversation's counter on by one (conditional on the number it
   read), stores the message at that number, marks the accepted send numbered (a redelivery
   stores nothing twice) and updates both inboxes and the recipient's unread count. Then it
   pushes the message to open WebSocket connections — in the same order, so what both people
   see live is the order of the history — and queues a push notification when the
   recipient has none.

Who may write to whom: friends (mutual follow) freely. A non-friend's first message to a
member consumes one of the sender's daily first contacts (replying to someone who wrote
first is free). Daily first contacts: 10 for a verified member (standing active), 20 once
they have been active for ``VETERAN_DAYS`` days; halved when there was at least one report
or safety flag against them in the last 7 days, quartered from 3. Unverified, suspended or
banned members send nothing. Every member: at most ``SENDS_PER_MINUTE`` sends a minute.

The modules follow that path: ``sending``, ``delivery``, ``reading``, ``websocket``, the
``safety_rules`` staff tune, and ``common``; this module is the one surface routes, handlers
and other features (social, the local demo) call.
"""
from __future__ import annotations

from .common import (
    ACCEPTED_TTL_DAYS,
    BASE_FIRST_CONTACTS,
    CATEGORY_NAMES,
    CONNECTION_TTL_SECONDS,
    RECALL_SECONDS,
    SENDS_PER_MINUTE,
    VETERAN_DAYS,
    VETERAN_FIRST_CONTACTS,
    conversation_id,
    daily_first_contacts,
    first_contact_quota,
    message_id_of,
    quota_view,
)
from .delivery import deliver, deliver_run, notify_user
from .reading import conversation_with, hide_message, history, inbox, mark_read, message_for_report, recall
from .safety import HOLD_SCORE, PROVINCE, Verdict, scan_text, seed_default_rules  # noqa: F401  (social, local demo)
from .safety_rules import delete_rule, list_rules, put_rule, rule_history, try_scan
from .sending import send
from .websocket import connect, connection_user, disconnect, on_socket_message

__all__ = [
    "ACCEPTED_TTL_DAYS",
    "BASE_FIRST_CONTACTS",
    "CATEGORY_NAMES",
    "CONNECTION_TTL_SECONDS",
    "RECALL_SECONDS",
    "SENDS_PER_MINUTE",
    "VETERAN_DAYS",
    "VETERAN_FIRST_CONTACTS",
    "connect",
    "connection_user",
    "conversation_id",
    "conversation_with",
    "daily_first_contacts",
    "delete_rule",
    "deliver",
    "deliver_run",
    "disconnect",
    "first_contact_quota",
    "hide_message",
    "history",
    "inbox",
    "list_rules",
    "mark_read",
    "message_for_report",
    "message_id_of",
    "notify_user",
    "on_socket_message",
    "put_rule",
    "quota_view",
    "recall",
    "rule_history",
    "send",
    "try_scan",
]

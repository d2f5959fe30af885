"""光年间 one-to-one chat (消息).

Access patterns:
- a send accepted by the POST, by its message id (sender + client message id)
                                                         → GetItem / conditional Put ``AcceptedSend``
- a conversation's counter and read marks                 → GetItem / UpdateItem ``Conversation``
- history of a conversation, newest first                 → Query ``Message[conversation_id]`` by ``seq``
- a message by its id (report, recall, hide)              → Query GSI ``by_id``
- my inbox sorted by last message                         → Query LSI ``by_last`` on ``InboxEntry[owner]``
- one inbox entry                                         → GetItem ``InboxEntry[owner, conversation]``
- the connections of a member (realtime delivery)        → GetItem ``Presence["user#" + member]`` (or in
                                                           the delivery's BatchGetItem); GSI ``by_user``
- a connection by its id (the WebSocket message handler)  → GetItem ``Connection[connection_id]``
- sends this minute / first contacts today / has A opened a conversation with B
                                                         → UpdateItem / GetItem ``Counter[key]``
- the safety rule table (province, city and district rules; filtered by owner in memory)
                                                         → Query ``SafetyRule["ruleset"]``
- one rule                                                → GetItem ``SafetyRule["ruleset", rule_id]``
- the change history of a rule, newest first              → Query ``SafetyRuleChange[rule_id]``
"""
from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class AcceptedSend(Model):
    """What the send POST accepted; the idempotency record on the client message id."""

    class Meta(TableMeta):
        table_name = table_name("messaging-accepted")

    message_id = UnicodeAttribute(hash_key=True)   # hash of sender + client message id
    client_id = UnicodeAttribute()
    sender = UnicodeAttribute()
    recipient = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    body_hash = UnicodeAttribute()
    accepted_at = UnicodeAttribute()
    seq = NumberAttribute(null=True)               # assigned by the consumer, once
    expires = TTLAttribute(null=True)


class Conversation(Model):
    class Meta(TableMeta):
        table_name = table_name("messaging-conversations")

    conversation_id = UnicodeAttribute(hash_key=True)
    member_a = UnicodeAttribute(null=True)         # the two member ids, sorted
    member_b = UnicodeAttribute(null=True)
    seq = NumberAttribute(default=0)               # last sequence number assigned
    read_a = NumberAttribute(default=0)            # highest seq read by member_a
    read_b = NumberAttribute(default=0)
    created_at = UnicodeAttribute(null=True)


class MessageById(GlobalSecondaryIndex["Message"]):
    class Meta:
        index_name = "by_id"
        projection = AllProjection()

    message_id = UnicodeAttribute(hash_key=True)


class Message(Model):
    class Meta(TableMeta):
        table_name = table_name("messaging-messages")

    conversation_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    message_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    sender = UnicodeAttribute()
    recipient = UnicodeAttribute()
    body = UnicodeAttribute()                      # scrubbed of phone / ID numbers
    status = UnicodeAttribute(default="delivered")  # delivered | held | blocked | recalled | hidden
    warning = UnicodeAttribute(null=True)          # shown to the recipient with the message
    categories = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[var-annotated]
    sent_at = UnicodeAttribute()                   # accepted by the POST (recall window starts here)
    stored_at = UnicodeAttribute()
    by_id = MessageById()


class InboxByLast(LocalSecondaryIndex["InboxEntry"]):
    class Meta:
        index_name = "by_last"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    last_at = UnicodeAttribute(range_key=True)


class InboxEntry(Model):
    class Meta(TableMeta):
        table_name = table_name("messaging-inbox")

    owner = UnicodeAttribute(hash_key=True)
    conversation_id = UnicodeAttribute(range_key=True)
    other = UnicodeAttribute()
    last_at = UnicodeAttribute()
    last_seq = NumberAttribute(default=0)
    last_in_seq = NumberAttribute(default=0)       # last message received from the other
    preview = UnicodeAttribute(default="")
    unread = NumberAttribute(default=0)
    by_last = InboxByLast()


class ConnectionsByUser(GlobalSecondaryIndex["Connection"]):
    class Meta:
        index_name = "by_user"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)


class Connection(Model):
    """A live WebSocket connection registered by the ``$connect`` handler."""

    class Meta(TableMeta):
        table_name = table_name("messaging-connections")

    connection_id = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    domain = UnicodeAttribute(null=True)
    stage = UnicodeAttribute(null=True)
    connected_at = UnicodeAttribute()
    expires = TTLAttribute()
    by_user = ConnectionsByUser()


class Presence(Model):
    """A member's open connections, each ``"<connection id>|<domain>|<stage>|<expires epoch>"``
    in a string set (ADD / DELETE), in the connections table under ``user#<member>``: delivery
    reads both members' in the one BatchGetItem it makes anyway, instead of a Query each."""

    class Meta(TableMeta):
        table_name = table_name("messaging-connections")

    connection_id = UnicodeAttribute(hash_key=True)   # "user#" + member id
    live = UnicodeSetAttribute(null=True)


def presence_key(user_id: str) -> str:
    return f"user#{user_id}"


class Counter(Model):
    """Rate-limit windows, daily first-contact quotas and "A has opened a chat with B"."""

    class Meta(TableMeta):
        table_name = table_name("messaging-counters")

    key = UnicodeAttribute(hash_key=True)
    value = NumberAttribute(default=0)
    expires = TTLAttribute(null=True)


class SafetyRule(Model):
    """One row of the 风控 rule table union staff tune. ``ruleset`` is a constant partition."""

    class Meta(TableMeta):
        table_name = table_name("messaging-safety-rules")

    ruleset = UnicodeAttribute(hash_key=True)
    rule_id = UnicodeAttribute(range_key=True)     # "~seeded" marks that defaults were written
    pattern = UnicodeAttribute(default="")
    category = UnicodeAttribute(default="")
    action = UnicodeAttribute(default="count")     # hold | warn | count
    weight = NumberAttribute(default=1)
    first_only = BooleanAttribute(default=False)
    enabled = BooleanAttribute(default=True)
    description = UnicodeAttribute(null=True)
    owner = UnicodeAttribute(null=True)            # org node that owns the rule; none: the province ("zj")
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class SafetyRuleChange(Model):
    """One change of a safety rule: who, when, and the rule before and after (JSON; ``null``
    before a creation and after a deletion). Written in the same transaction as the rule."""

    class Meta(TableMeta):
        table_name = table_name("messaging-safety-rule-history")

    rule_id = UnicodeAttribute(hash_key=True)
    changed = UnicodeAttribute(range_key=True)     # "<changed_at>#<change id>", sorts by time
    change = UnicodeAttribute()                    # created | updated | deleted
    owner = UnicodeAttribute()                     # owner of the rule (after, or before a deletion)
    actor = UnicodeAttribute()
    actor_role = UnicodeAttribute()
    actor_org = UnicodeAttribute(null=True)
    changed_at = UnicodeAttribute()
    before = UnicodeAttribute(null=True)           # JSON of the rule's fields
    after = UnicodeAttribute(null=True)

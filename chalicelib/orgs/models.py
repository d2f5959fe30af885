"""Union hierarchy: province → city → district/county → enterprise union.

Access patterns:
- get a node by its path (``zj/huz/nanxun/e-sanxing``)          → GetItem on ``path``
- list the children of a node, by name                           → Query GSI ``by_parent``
A node's path contains its ancestors, so "is X inside Y's scope" is a prefix test and
needs no read at all.
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class ByParent(GlobalSecondaryIndex["OrgNode"]):
    class Meta:
        index_name = "by_parent"
        projection = AllProjection()

    parent_path = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute(range_key=True)


class OrgNode(Model):
    class Meta(TableMeta):
        table_name = table_name("orgs")

    path = UnicodeAttribute(hash_key=True)
    parent_path = UnicodeAttribute()
    name = UnicodeAttribute()
    level = UnicodeAttribute()  # province | city | district | enterprise
    region_code = UnicodeAttribute(null=True)  # GB/T 2260 code for administrative nodes
    created_at = UnicodeAttribute()
    by_parent = ByParent()

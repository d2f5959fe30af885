
from chalicelib.platform.schema import Schema


class Health(Schema):
    status: str
    stage: str
    time: str

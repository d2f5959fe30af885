"""Demo canteen: 三行职工食堂 with a week of menus planned. Today's menu is published at once;
each next day's appears at 17:00 (Asia/Shanghai) the day before, published by the canteen-menu
Lambda through the local event pump, and the demo worker is subscribed to be told."""
from __future__ import annotations

from datetime import date, timedelta

from chalicelib.canteen import logic
from chalicelib.canteen.models import CanteenAccess
from chalicelib.canteen.schemas import NewCanteen, NewDish, WeekPlan
from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role

SANXING = "zj/huz/nanxun/e-sanxing"
ADMIN = Principal(user_id="demo-enterprise-admin", role=Role.ENTERPRISE_ADMIN, org_path=SANXING)
WORKER = Principal(user_id="demo-worker", role=Role.WORKER, org_path=SANXING)
DISHES = [
    ("豆浆油条", 350, ["vegetarian"], ["soy", "wheat"]), ("鲜肉小笼包", 500, [], ["wheat"]),
    ("茶叶蛋", 150, ["vegetarian"], ["egg"]), ("辣子鸡", 1200, ["spicy", "signature"], []),
    ("麻婆豆腐", 600, ["spicy"], ["soy"]), ("红烧肉", 1000, ["signature"], ["soy"]),
    ("清炒时蔬", 400, ["vegetarian", "light"], []), ("番茄炒蛋", 500, ["vegetarian"], ["egg"]),
    ("花生拌菠菜", 300, ["vegetarian"], ["peanut"]), ("牛肉拉面", 1500, ["halal"], ["wheat"]),
    ("南浔酥羊", 1600, ["signature"], []), ("馄饨", 800, [], ["wheat", "shellfish"]),
]


def _plan(ids: dict[str, str], days: list[date]) -> dict[str, object]:
    menus = {
        "breakfast": ["豆浆油条", "鲜肉小笼包", "茶叶蛋"],
        "lunch": ["辣子鸡", "麻婆豆腐", "红烧肉", "清炒时蔬", "花生拌菠菜"],
        "dinner": ["南浔酥羊", "番茄炒蛋", "清炒时蔬", "牛肉拉面"],
        "night_shift": ["馄饨", "牛肉拉面"],
    }
    return {"days": [{"day": d.isoformat(), "meals": [
        {"meal": meal, "dish_ids": [ids[n] for n in (names[i % 2:] + names[:i % 2])]}
        for meal, names in menus.items()]} for i, d in enumerate(days)]}


def seed() -> None:
    from local.demo.dorms import ensure_sanxing

    ensure_sanxing()
    if list(CanteenAccess.query(SANXING, limit=1)):
        return
    canteen = logic.create_canteen(ADMIN, NewCanteen(org_path=SANXING, name="三行职工食堂",
                                                     location="厂区二号楼一层", publish_hour=17))
    ids = {name: logic.add_dish(ADMIN, canteen.canteen_id, NewDish.model_validate(
        {"name": name, "price_fen": price, "tags": tags, "allergens": allergens})).dish_id
        for name, price, tags, allergens in DISHES}
    today = clock.today_shanghai()
    days = [today + timedelta(days=i) for i in range(7)]
    weeks: dict[date, list[date]] = {}
    for day in days:
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(day)
    for monday, group in weeks.items():
        logic.plan_week(ADMIN, canteen.canteen_id, monday.isoformat(), WeekPlan.model_validate(_plan(ids, group)))
    logic.subscribe(WORKER, canteen.canteen_id, True)
    logic.publish_due_menus()  # today's menu was due yesterday at 17:00

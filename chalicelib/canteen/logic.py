"""Canteen menus: what the feature does (no HTTP, no boto3).

The admin plans a week of menus (drafts). Each draft carries ``publish_at`` — the canteen's set
hour (Asia/Shanghai) on the day before — and sits in the sparse ``due`` index until the
canteen-menu Lambda publishes it and tells the subscribers. Workers only ever see published menus.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors, get_in_scope
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import SYSTEM, actor_of, publish
from chalicelib.platform.money import fen_to_yuan_text
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import storage
from .models import (
    Canteen,
    CanteenAccess,
    Dish,
    DishLine,
    DishRating,
    Favourite,
    Menu,
    Subscription,
    transaction,
)
from .schemas import (
    CANTEEN_ID,
    DISH_ID,
    MEAL_CN,
    MEAL_ORDER,
    CanteenList,
    CanteenUpdate,
    CanteenView,
    DishList,
    DishUpdate,
    DishView,
    FavouriteList,
    FavouriteView,
    MenuFilter,
    MenuPage,
    MenuView,
    NewCanteen,
    NewDish,
    NoticePage,
    NoticeView,
    PhotoUpload,
    RatingView,
    ServedDish,
    SubscriptionView,
    WeekPlan,
    WeekWrite,
)

FEATURE = "canteen"
RATE_WINDOW_DAYS = 7
MAX_RATING_RETRIES = 3


def _not_found() -> NotFound:
    return NotFound("找不到该食堂", code="CANTEEN_NOT_FOUND")


def _view(c: Canteen) -> CanteenView:
    return CanteenView(canteen_id=c.canteen_id, org_path=c.org_path, name=c.name, location=c.location,
                       shared_with=sorted(c.shared_with or []), publish_hour=int(c.publish_hour))


def _dish_view(d: Dish) -> DishView:
    count = int(d.rating_count)
    return DishView(dish_id=d.dish_id, name=d.name, price_fen=int(d.price_fen),
                    price_text=fen_to_yuan_text(int(d.price_fen)), tags=list(d.tags or []),
                    allergens=list(d.allergens or []), photos=list(d.photos or []),
                    rating_average=round(float(d.rating_sum) / count, 2) if count else None, rating_count=count)


def _menu_key(day: date | str, meal: str) -> str:
    return f"{day}#{MEAL_ORDER[meal]}{meal}"


def publish_at(day: date, hour: int) -> str:
    """The canteen's set hour (Asia/Shanghai) on the day before, in UTC."""
    moment = datetime.combine(day - timedelta(days=1), time(hour=hour), tzinfo=clock.SHANGHAI)
    return clock.isoformat(moment)


# --- canteens -----------------------------------------------------------------------------------

def create_canteen(principal: Principal, new: NewCanteen) -> CanteenView:
    if not principal.covers(new.org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    from chalicelib.orgs import logic as orgs

    for path in [new.org_path, *new.shared_with]:
        if not orgs.exists(path):
            raise ValidationFailed(f"组织 {path} 不存在", code="ORG_NOT_FOUND")
    canteen = Canteen(f"c-{uuid.uuid4().hex[:12]}", org_path=new.org_path, name=new.name, location=new.location,
                      shared_with=set(new.shared_with) or None, publish_hour=new.publish_hour,
                      created_at=clock.now_iso())
    with dynamo_errors(Conflict("食堂已存在", code="CANTEEN_EXISTS")), transaction() as tx:
        tx.save(canteen, condition=Canteen.canteen_id.does_not_exist())
        for path in dict.fromkeys([new.org_path, *new.shared_with]):
            tx.save(CanteenAccess(path, canteen.canteen_id, canteen_name=new.name, owner_path=new.org_path))
        publish(FEATURE, "CanteenCreated", org=new.org_path, actor=actor_of(principal), tx=tx,
                data={"canteen_id": canteen.canteen_id, "name": new.name})
    return _view(canteen)


def _canteen_for_admin(principal: Principal, canteen_id: str) -> Canteen:
    return get_in_scope(Canteen, canteen_id, principal, not_found=_not_found(), id_pattern=CANTEEN_ID)


def _check_canteen(principal: Principal, canteen_id: str) -> bool:
    """May the caller see this canteen? Returns True when the caller administers it."""
    if principal.role is Role.WORKER:
        if not principal.org_path or not re.fullmatch(CANTEEN_ID, canteen_id):
            raise _not_found()
        try:
            CanteenAccess.get(principal.org_path, canteen_id)
        except CanteenAccess.DoesNotExist as exc:
            raise _not_found() from exc
        return False
    _canteen_for_admin(principal, canteen_id)
    return True


def list_canteens(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> CanteenList:
    enterprise = principal.org_path if principal.role is Role.WORKER else (org or principal.org_path)
    if not enterprise:
        return CanteenList(items=[])
    if principal.role is not Role.WORKER and not principal.covers(enterprise):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"canteens:{enterprise}"
    page = CanteenAccess.query(enterprise, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    access = list(page)
    found = {c.canteen_id: c for c in Canteen.batch_get([a.canteen_id for a in access])} if access else {}
    return CanteenList(items=[_view(found[a.canteen_id]) for a in access if a.canteen_id in found],
                       next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def update_canteen(principal: Principal, canteen_id: str, change: CanteenUpdate) -> CanteenView:
    canteen = _canteen_for_admin(principal, canteen_id)
    actions: list[Any] = []
    if change.name is not None:
        actions.append(Canteen.name.set(change.name))
    if change.location is not None:
        actions.append(Canteen.location.set(change.location))
    if change.publish_hour is not None:
        actions.append(Canteen.publish_hour.set(change.publish_hour))
    if actions:
        with transaction() as tx:
            tx.update(canteen, actions=actions)
            publish(FEATURE, "CanteenUpdated", org=canteen.org_path, actor=actor_of(principal), tx=tx,
                    data={"canteen_id": canteen_id, **change.model_dump(exclude_none=True)})
        for field, value in change.model_dump(exclude_none=True).items():
            setattr(canteen, field, value)  # what the update just wrote
        if change.publish_hour is not None:
            _reschedule_drafts(canteen_id, change.publish_hour)
    return _view(canteen)


RESCHEDULE_DAYS = 14


def _reschedule_drafts(canteen_id: str, hour: int) -> int:
    """A new publishing hour applies to the drafts already planned (the next two weeks)."""
    today = clock.today_shanghai()
    moved = 0
    last = today + timedelta(days=RESCHEDULE_DAYS)
    for menu in Menu.query(canteen_id, Menu.menu_key.between(f"{today}#", f"{last}#9"),
                           filter_condition=Menu.status == "draft"):
        try:
            menu.update(actions=[Menu.publish_at.set(publish_at(date.fromisoformat(menu.day), hour))],
                        condition=Menu.status == "draft")
            moved += 1
        except UpdateError:
            continue  # published meanwhile
    return moved


def photo_upload(principal: Principal, canteen_id: str, content_type: str) -> PhotoUpload:
    _canteen_for_admin(principal, canteen_id)
    return PhotoUpload(**storage.photo_upload(canteen_id, content_type))


# --- dishes -------------------------------------------------------------------------------------

def _check_photos(canteen_id: str, photos: list[str]) -> None:
    bad = [k for k in photos if not storage.is_photo_key_of(canteen_id, k)]
    if bad:
        raise ValidationFailed("照片须先通过上传接口上传到本食堂", code="CANTEEN_PHOTO_INVALID",
                               details=[{"keys": bad}])


def add_dish(principal: Principal, canteen_id: str, new: NewDish) -> DishView:
    canteen = _canteen_for_admin(principal, canteen_id)
    _check_photos(canteen_id, new.photos)
    dish = Dish(canteen_id, f"d-{uuid.uuid4().hex[:12]}", name=new.name, price_fen=new.price_fen,
                tags=list(new.tags), allergens=list(new.allergens), photos=list(new.photos),
                created_at=clock.now_iso())
    with transaction() as tx:
        tx.save(dish, condition=Dish.dish_id.does_not_exist())
        publish(FEATURE, "DishAdded", org=canteen.org_path, actor=actor_of(principal), tx=tx,
                data={"canteen_id": canteen_id, "dish_id": dish.dish_id, "name": new.name,
                      "price_fen": new.price_fen})
    return _dish_view(dish)


def _dish(canteen_id: str, dish_id: str) -> Dish:
    if not re.fullmatch(DISH_ID, dish_id):
        raise NotFound("找不到该菜品", code="CANTEEN_DISH_NOT_FOUND")
    try:
        return Dish.get(canteen_id, dish_id)
    except Dish.DoesNotExist as exc:
        raise NotFound("找不到该菜品", code="CANTEEN_DISH_NOT_FOUND") from exc


def update_dish(principal: Principal, canteen_id: str, dish_id: str, change: DishUpdate) -> DishView:
    canteen = _canteen_for_admin(principal, canteen_id)
    dish = _dish(canteen_id, dish_id)
    actions: list[Any] = []
    if change.name is not None:
        actions.append(Dish.name.set(change.name))
    if change.price_fen is not None:
        actions.append(Dish.price_fen.set(change.price_fen))
    if change.tags is not None:
        actions.append(Dish.tags.set(list(change.tags)))
    if change.allergens is not None:
        actions.append(Dish.allergens.set(list(change.allergens)))
    if change.photos is not None:
        _check_photos(canteen_id, change.photos)
        actions.append(Dish.photos.set(list(change.photos)))
    if actions:
        with transaction() as tx:
            tx.update(dish, actions=actions)
            publish(FEATURE, "DishUpdated", org=canteen.org_path, actor=actor_of(principal), tx=tx,
                    data={"canteen_id": canteen_id, "dish_id": dish_id,
                          "changed": sorted(change.model_dump(exclude_none=True))})
        for field, value in change.model_dump(exclude_none=True).items():
            setattr(dish, field, value)  # what the update just wrote
    return _dish_view(dish)


def list_dishes(principal: Principal, canteen_id: str, *, limit: int, cursor: str | None) -> DishList:
    _check_canteen(principal, canteen_id)
    bound = f"dishes:{canteen_id}"
    page = Dish.query(canteen_id, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_dish_view(d) for d in page]
    return DishList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- planning the week --------------------------------------------------------------------------

def _monday(text: str) -> date:
    try:
        start = date.fromisoformat(text)
    except ValueError as exc:
        raise NotFound("找不到该周", code="CANTEEN_WEEK_INVALID") from exc
    if start.weekday() != 0:
        raise ValidationFailed("每周菜单须从周一开始", code="CANTEEN_WEEK_INVALID")
    return start


def _write_days(canteen: Canteen, plan: dict[date, dict[str, list[DishLine]]],
                announce: Callable[[TransactWrite, int], object]) -> int:
    """Write each (day, meal) menu: new ones as drafts due at the canteen's hour; a menu that is
    already published stays published with the new dishes. ``announce(tx, written)`` stages the
    event in the same transaction (alone when there is nothing to write)."""
    days = sorted(plan)
    existing = {m.menu_key: m for m in Menu.query(canteen.canteen_id, Menu.menu_key.between(
        f"{days[0]}#", f"{days[-1]}#9"))} if days else {}
    now = clock.now_iso()
    written = 0
    with transaction() as tx:
        for day in days:
            for meal, lines in plan[day].items():
                key = _menu_key(day, meal)
                old = existing.get(key)
                if old is not None and old.status == "published":
                    status, at, done = "published", old.publish_at, old.published_at
                else:
                    status, at, done = "draft", publish_at(day, int(canteen.publish_hour)), None
                tx.save(Menu(canteen.canteen_id, key, org_path=canteen.org_path, day=day.isoformat(), meal=meal,
                             status=status, dishes=lines, publish_at=at, due_bucket="due" if done is None else None,
                             published_at=done, updated_at=now))
                written += 1
        announce(tx, written)
    return written


def _lines(canteen_id: str, dish_ids: list[str]) -> dict[str, DishLine]:
    wanted = list(dict.fromkeys(dish_ids))
    found = {d.dish_id: d for d in Dish.batch_get([(canteen_id, i) for i in wanted])}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationFailed("菜单中有本食堂不存在的菜品", code="CANTEEN_DISH_NOT_FOUND",
                               details=[{"dish_ids": missing}])
    return {i: DishLine(dish_id=i, name=d.name, price_fen=d.price_fen, tags=list(d.tags or []),
                        allergens=list(d.allergens or []), photo=next(iter(d.photos or []), None))
            for i, d in found.items()}


def plan_week(principal: Principal, canteen_id: str, week_start: str, week: WeekPlan) -> WeekWrite:
    """The admin sets a whole week at once. Dates in the past are refused, nothing is written."""
    canteen = _canteen_for_admin(principal, canteen_id)
    start = _monday(week_start)
    today = clock.today_shanghai()
    outside = [d.day.isoformat() for d in week.days if not start <= d.day < start + timedelta(days=7)]
    if outside:
        raise ValidationFailed("日期不在这一周内", code="CANTEEN_DATE_OUTSIDE_WEEK", details=[{"days": outside}])
    past = [d.day.isoformat() for d in week.days if d.day < today]
    if past:
        raise ValidationFailed("不能为已经过去的日期设置菜单", code="CANTEEN_DATE_PAST", details=[{"days": past}])
    lines = _lines(canteen_id, [i for d in week.days for m in d.meals for i in m.dish_ids])
    plan: dict[date, dict[str, list[DishLine]]] = {
        d.day: {str(m.meal): [lines[i] for i in m.dish_ids] for m in d.meals} for d in week.days}
    written = _write_days(canteen, plan, lambda tx, written: publish(
        FEATURE, "WeekMenuPlanned", org=canteen.org_path, actor=actor_of(principal), tx=tx,
        data={"canteen_id": canteen_id, "week_start": start.isoformat(), "menus": written}))
    return WeekWrite(canteen_id=canteen_id, week_start=start.isoformat(), written=written)


def copy_previous_week(principal: Principal, canteen_id: str, week_start: str) -> WeekWrite:
    """Copy last week's menus onto this week (days already past are skipped)."""
    canteen = _canteen_for_admin(principal, canteen_id)
    start = _monday(week_start)
    today = clock.today_shanghai()
    if start + timedelta(days=6) < today:
        raise ValidationFailed("不能为已经过去的一周设置菜单", code="CANTEEN_DATE_PAST")
    previous = start - timedelta(days=7)
    plan: dict[date, dict[str, list[DishLine]]] = {}
    skipped: set[str] = set()
    for menu in Menu.query(canteen_id, Menu.menu_key.between(f"{previous}#", f"{start - timedelta(days=1)}#9")):
        day = date.fromisoformat(menu.day) + timedelta(days=7)
        if day < today:
            skipped.add(day.isoformat())
            continue
        plan.setdefault(day, {})[menu.meal] = list(menu.dishes or [])
    if not plan and not skipped:
        raise NotFound("上周没有菜单可复制", code="CANTEEN_NOTHING_TO_COPY")
    written = _write_days(canteen, plan, lambda tx, written: publish(
        FEATURE, "WeekMenuCopied", org=canteen.org_path, actor=actor_of(principal), tx=tx,
        data={"canteen_id": canteen_id, "week_start": start.isoformat(), "menus": written}))
    return WeekWrite(canteen_id=canteen_id, week_start=start.isoformat(), written=written,
                     skipped_past_days=sorted(skipped))


# --- the worker's menus -------------------------------------------------------------------------

def _served(line: DishLine, dishes: dict[str, Dish]) -> ServedDish:
    dish = dishes.get(line.dish_id)
    count = int(dish.rating_count) if dish else 0
    return ServedDish(dish_id=line.dish_id, name=line.name, price_fen=int(line.price_fen),
                      price_text=fen_to_yuan_text(int(line.price_fen)), tags=list(line.tags or []),
                      allergens=list(line.allergens or []), photo=line.photo,
                      rating_average=round(float(dish.rating_sum) / count, 2) if dish and count else None,
                      rating_count=count)


def _menus(principal: Principal, canteen_id: str, first: date, last: date, wanted: MenuFilter) -> MenuPage:
    admin = _check_canteen(principal, canteen_id)
    menus = [m for m in Menu.query(canteen_id, Menu.menu_key.between(f"{first}#", f"{last}#9"))
             if admin or m.status == "published"]
    tags, allergens = set(wanted.tag), set(wanted.without_allergen)

    def keep(line: DishLine) -> bool:
        return tags <= set(line.tags or []) and not allergens & set(line.allergens or [])

    kept = [(m, [line for line in (m.dishes or []) if keep(line)]) for m in menus]
    ids = list(dict.fromkeys(line.dish_id for _, lines in kept for line in lines))
    dishes = {d.dish_id: d for d in Dish.batch_get([(canteen_id, i) for i in ids])} if ids else {}
    items = [MenuView(day=m.day, meal=m.meal, meal_cn=MEAL_CN[m.meal], status=m.status,  # type: ignore[arg-type]
                      publish_at=m.publish_at, dishes=[_served(line, dishes) for line in lines])
             for m, lines in kept]
    return MenuPage(canteen_id=canteen_id, items=items)


def today_menu(principal: Principal, canteen_id: str, wanted: MenuFilter) -> MenuPage:
    """Today's meals: one Query of ≤ 4 items (drafts never reach a worker)."""
    today = clock.today_shanghai()
    return _menus(principal, canteen_id, today, today, wanted)


def week_menu(principal: Principal, canteen_id: str, start: date | None, wanted: MenuFilter) -> MenuPage:
    """Seven days from ``start`` (default this Monday): one Query of ≤ 28 items."""
    today = clock.today_shanghai()
    first = start or today - timedelta(days=today.weekday())
    return _menus(principal, canteen_id, first, first + timedelta(days=6), wanted)


# --- ratings, favourites, subscriptions ------------------------------------------------------------

def rate_dish(principal: Principal, canteen_id: str, *, day_text: str, meal: str, dish_id: str,
              stars: int) -> RatingView:
    """Rate a dish served at a published meal (today or the last week): once per meal per worker,
    editable; the dish's sum and count change in the same transaction as the rating."""
    _check_canteen(principal, canteen_id)
    if meal not in MEAL_ORDER:
        raise NotFound("找不到该餐次", code="CANTEEN_MENU_NOT_FOUND")
    try:
        day = date.fromisoformat(day_text)
    except ValueError as exc:
        raise NotFound("找不到该菜单", code="CANTEEN_MENU_NOT_FOUND") from exc
    today = clock.today_shanghai()
    if day > today:
        raise ValidationFailed("还没吃到的菜不能评分", code="CANTEEN_RATING_TOO_EARLY")
    if day < today - timedelta(days=RATE_WINDOW_DAYS):
        raise ValidationFailed(f"只能评价 {RATE_WINDOW_DAYS} 天内的菜品", code="CANTEEN_RATING_TOO_LATE")
    try:
        menu = Menu.get(canteen_id, _menu_key(day, meal))
    except Menu.DoesNotExist as exc:
        raise NotFound("找不到该菜单", code="CANTEEN_MENU_NOT_FOUND") from exc
    if menu.status != "published" or dish_id not in {line.dish_id for line in (menu.dishes or [])}:
        raise NotFound("该餐次没有这道菜", code="CANTEEN_DISH_NOT_SERVED")
    dish_key, rating_key = f"{canteen_id}#{dish_id}", f"{day}#{meal}#{principal.user_id}"
    for _ in range(MAX_RATING_RETRIES):
        try:
            old = DishRating.get(dish_key, rating_key)
        except DishRating.DoesNotExist:
            old = None
        try:
            with transaction() as tx:
                rating = DishRating(dish_key, rating_key, stars=stars, at=clock.now_iso())
                if old is None:
                    tx.save(rating, condition=DishRating.rating_key.does_not_exist())
                    tx.update(Dish(canteen_id, dish_id), actions=[Dish.rating_sum.add(stars), Dish.rating_count.add(1)],
                              condition=Dish.dish_id.exists())
                else:
                    tx.save(rating, condition=DishRating.stars == old.stars)
                    tx.update(Dish(canteen_id, dish_id), actions=[Dish.rating_sum.add(stars - int(old.stars))],
                              condition=Dish.dish_id.exists())
            break
        except TransactWriteError:
            continue  # the same worker rated twice at once, or the dish item was busy: read again
    else:
        raise Conflict("评分太频繁，请稍后再试", code="CANTEEN_RATING_BUSY")
    dish = _dish(canteen_id, dish_id)
    view = _dish_view(dish)
    return RatingView(dish_id=dish_id, day=day.isoformat(), meal=meal, stars=stars,  # type: ignore[arg-type]
                      rating_average=view.rating_average or float(stars), rating_count=view.rating_count)


def add_favourite(principal: Principal, canteen_id: str, dish_id: str) -> FavouriteView:
    _check_canteen(principal, canteen_id)
    dish = _dish(canteen_id, dish_id)
    fav = Favourite(principal.user_id, f"{canteen_id}#{dish_id}", canteen_id=canteen_id, dish_id=dish_id,
                    dish_name=dish.name, at=clock.now_iso())
    fav.save()
    return FavouriteView(canteen_id=canteen_id, dish_id=dish_id, dish_name=dish.name, at=fav.at)


def remove_favourite(principal: Principal, canteen_id: str, dish_id: str) -> FavouriteList:
    Favourite(principal.user_id, f"{canteen_id}#{dish_id}").delete()
    return favourites(principal, limit=20, cursor=None)


def favourites(principal: Principal, *, limit: int, cursor: str | None) -> FavouriteList:
    bound = f"favourites:{principal.user_id}"
    page = Favourite.query(principal.user_id, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [FavouriteView(canteen_id=f.canteen_id, dish_id=f.dish_id, dish_name=f.dish_name, at=f.at) for f in page]
    return FavouriteList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def subscribe(principal: Principal, canteen_id: str, on: bool) -> SubscriptionView:
    _check_canteen(principal, canteen_id)
    if on:
        Subscription(canteen_id, principal.user_id, at=clock.now_iso()).save()
    else:
        Subscription(canteen_id, principal.user_id).delete()
    return SubscriptionView(canteen_id=canteen_id, subscribed=on)


# --- the canteen-menu Lambda: publish at the set hour, tell the subscribers ------------------------

def publish_due_menus(*, batch: int = 100) -> dict[str, int]:
    """Publish every draft whose time has come (tomorrow's menu at the canteen's hour), queue one
    announcement per (canteen, day), then take the menu off the due index. Safe to rerun: a crash
    after publishing leaves the item due, so the next run announces it (the announcement itself
    runs once per canteen and day)."""
    from chalicelib.platform.queues import send

    from .specs import ANNOUNCE_QUEUE

    now = clock.now_iso()
    published, announced, evented = 0, set(), set()
    due = list(Menu.due.query("due", Menu.publish_at <= now, limit=batch))
    for menu in due:
        key = (menu.canteen_id, menu.day)
        if menu.status == "draft":
            try:
                # publishing a menu and announcing the day's menu (MenuPublished) are one
                # transaction (the outbox); the event id is the canteen's day, so a rerun that
                # publishes the day's other meals stages the same event again, never a second one
                with dynamo_errors(Conflict()), transaction() as tx:
                    tx.update(menu, actions=[Menu.status.set("published"), Menu.published_at.set(now)],
                              condition=Menu.status == "draft")
                    if key not in evented:
                        publish(FEATURE, "MenuPublished", data={"canteen_id": menu.canteen_id, "day": menu.day},
                                actor=SYSTEM, event_id=f"menu-{menu.canteen_id}-{menu.day}", tx=tx)
                evented.add(key)
                menu.status, menu.published_at = "published", now
                published += 1
            except Conflict:  # a concurrent run published it (and announced it); the notice below is idempotent
                menu.refresh()
        if key not in announced:
            send(ANNOUNCE_QUEUE, {"canteen_id": menu.canteen_id, "day": menu.day, "org": menu.org_path})
            announced.add(key)
    for menu in due:
        menu.update(actions=[Menu.due_bucket.remove()])
    return {"published": published, "announced": len(announced)}


def announce(canteen_id: str, day: str) -> int:
    """Queue one inbox notice (with a push) per subscriber of the canteen, through the platform
    notice path, in SQS batches (paged Query of the subscriptions). A redelivery queues the same
    dedup keys again and the inbox keeps one item each."""
    from chalicelib.platform.notices import NoticePush, NoticeRequest, notice, request_many

    try:
        canteen = Canteen.get(canteen_id)
    except Canteen.DoesNotExist:
        return 0
    title, text = f"{canteen.name} 明日菜单已发布", f"{day} 的菜单已发布，点击查看。"
    page = f"pages/canteen/menu?canteen={canteen_id}&day={day}"
    batch: list[NoticeRequest] = []
    sent = 0
    for sub in Subscription.query(canteen_id, page_size=100):
        batch.append(notice(sub.user_id, kind="canteen", title=title, body=text, link=page,
                            dedup_key=f"canteen:{canteen_id}:{day}:{sub.user_id}",
                            meta={"canteen_id": canteen_id, "day": day},
                            push=NoticePush(template="canteen_menu_published", data={"title": title, "body": text},
                                            page=page)))
        if len(batch) == 100:
            sent += request_many(batch)
            batch = []
    return sent + (request_many(batch) if batch else 0)


def notices(principal: Principal, *, limit: int, cursor: str | None) -> NoticePage:
    """The caller's menu notices: their inbox filtered to the canteen kind (one bounded Query)."""
    from chalicelib.inbox.logic import page as inbox_page

    found = inbox_page(principal.user_id, kind="canteen", limit=limit, cursor=cursor)
    items = [NoticeView(at=i.created_at, canteen_id=i.meta.get("canteen_id", ""),
                        day=i.meta.get("day", ""), title=i.title, body=i.body) for i in found.items]
    return NoticePage(items=items, next_cursor=found.next_cursor)

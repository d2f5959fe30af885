"""Canteen routes: admins keep dishes and plan the week; workers see today's and this week's
menus, rate dishes, keep favourites and subscribe to tomorrow's menu."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, STAFF_ROLES, Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    CanteenList,
    CanteensQuery,
    CanteenUpdate,
    CanteenView,
    DishList,
    DishUpdate,
    DishView,
    FavouriteList,
    FavouriteView,
    MenuFilter,
    MenuPage,
    NewCanteen,
    NewDish,
    NoticePage,
    PageQuery,
    PhotoUpload,
    PhotoUploadRequest,
    RatingIn,
    RatingView,
    SubscriptionView,
    WeekPlan,
    WeekQuery,
    WeekWrite,
)

bp = Blueprint(__name__)
TAGS = ["canteen"]
WORKER = {Role.WORKER}
ADMINS = set(STAFF_ROLES)


@bp.route("/canteens", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=NewCanteen, response=CanteenView, status=201,
          summary="登记食堂（可园区多企业共享）", tags=TAGS, idempotent=True)
def create_canteen(principal: Principal, body: NewCanteen) -> CanteenView:
    return logic.create_canteen(principal, body)


@bp.route("/canteens", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=CanteensQuery, response=CanteenList,
          summary="可就餐的食堂", tags=TAGS)
def list_canteens(principal: Principal, query: CanteensQuery) -> CanteenList:
    return logic.list_canteens(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/canteens/{canteen_id}", methods=["PATCH"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=CanteenUpdate, response=CanteenView,
          summary="修改食堂信息与菜单发布时间", tags=TAGS)
def update_canteen(principal: Principal, canteen_id: str, body: CanteenUpdate) -> CanteenView:
    return logic.update_canteen(principal, canteen_id, body)


@bp.route("/canteens/{canteen_id}/photos", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=PhotoUploadRequest, response=PhotoUpload, status=201,
          summary="获取菜品照片上传凭证", tags=TAGS)
def photo_upload(principal: Principal, canteen_id: str, body: PhotoUploadRequest) -> PhotoUpload:
    return logic.photo_upload(principal, canteen_id, body.content_type)


@bp.route("/canteens/{canteen_id}/dishes", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=NewDish, response=DishView, status=201,
          summary="新增菜品", tags=TAGS, idempotent=True)
def add_dish(principal: Principal, canteen_id: str, body: NewDish) -> DishView:
    return logic.add_dish(principal, canteen_id, body)


@bp.route("/canteens/{canteen_id}/dishes", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=PageQuery, response=DishList,
          summary="食堂菜品与评分", tags=TAGS)
def list_dishes(principal: Principal, canteen_id: str, query: PageQuery) -> DishList:
    """Workers of the enterprises that run or share this canteen, and admins in scope; others 404.
    A dish list is the canteen's public offer to those workers."""
    return logic.list_dishes(principal, canteen_id, limit=query.limit, cursor=query.cursor)


@bp.route("/canteens/{canteen_id}/dishes/{dish_id}", methods=["PATCH"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=DishUpdate, response=DishView,
          summary="修改菜品（价格、标签、过敏原、照片）", tags=TAGS)
def update_dish(principal: Principal, canteen_id: str, dish_id: str, body: DishUpdate) -> DishView:
    return logic.update_dish(principal, canteen_id, dish_id, body)


@bp.route("/canteens/{canteen_id}/weeks/{week_start}", methods=["PUT"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=WeekPlan, response=WeekWrite,
          summary="一次设置一周菜单（按发布时间自动发布）", tags=TAGS)
def plan_week(principal: Principal, canteen_id: str, week_start: str, body: WeekPlan) -> WeekWrite:
    return logic.plan_week(principal, canteen_id, week_start, body)


@bp.route("/canteens/{canteen_id}/weeks/{week_start}/copy-previous", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, response=WeekWrite, summary="复制上周菜单到本周", tags=TAGS)
def copy_previous_week(principal: Principal, canteen_id: str, week_start: str) -> WeekWrite:
    return logic.copy_previous_week(principal, canteen_id, week_start)


@bp.route("/canteens/{canteen_id}/menus/today", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=MenuFilter, response=MenuPage,
          summary="今日菜单（可按标签、过敏原筛选）", tags=TAGS)
def today_menu(principal: Principal, canteen_id: str, query: MenuFilter) -> MenuPage:
    """Workers of the enterprises that run or share this canteen see its published menus (never a
    draft); admins in scope also see drafts; anyone else gets 404."""
    return logic.today_menu(principal, canteen_id, query)


@bp.route("/canteens/{canteen_id}/menus/week", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=WeekQuery, response=MenuPage,
          summary="本周菜单（可按标签、过敏原筛选）", tags=TAGS)
def week_menu(principal: Principal, canteen_id: str, query: WeekQuery) -> MenuPage:
    """Workers of the enterprises that run or share this canteen see its published menus (never a
    draft); admins in scope also see drafts; anyone else gets 404."""
    return logic.week_menu(principal, canteen_id, query.start, query)


@bp.route("/canteens/{canteen_id}/menus/{day}/{meal}/dishes/{dish_id}/rating", methods=["PUT"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=RatingIn, response=RatingView,
          summary="给菜品评分（每餐一次，可修改）", tags=TAGS)
def rate_dish(principal: Principal, canteen_id: str, *, day: str, meal: str, dish_id: str,
              body: RatingIn) -> RatingView:
    return logic.rate_dish(principal, canteen_id, day_text=day, meal=meal, dish_id=dish_id, stars=body.stars)


@bp.route("/canteens/{canteen_id}/favourites/{dish_id}", methods=["PUT"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=FavouriteView, summary="收藏菜品", tags=TAGS)
def add_favourite(principal: Principal, canteen_id: str, dish_id: str) -> FavouriteView:
    return logic.add_favourite(principal, canteen_id, dish_id)


@bp.route("/canteens/{canteen_id}/favourites/{dish_id}", methods=["DELETE"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=FavouriteList, summary="取消收藏", tags=TAGS)
def remove_favourite(principal: Principal, canteen_id: str, dish_id: str) -> FavouriteList:
    return logic.remove_favourite(principal, canteen_id, dish_id)


@bp.route("/canteens/me/favourites", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=PageQuery, response=FavouriteList, summary="我收藏的菜品",
          tags=TAGS)
def my_favourites(principal: Principal, query: PageQuery) -> FavouriteList:
    return logic.favourites(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/canteens/{canteen_id}/subscription", methods=["PUT"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=SubscriptionView, summary="订阅明日菜单通知", tags=TAGS)
def subscribe(principal: Principal, canteen_id: str) -> SubscriptionView:
    return logic.subscribe(principal, canteen_id, True)


@bp.route("/canteens/{canteen_id}/subscription", methods=["DELETE"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=SubscriptionView, summary="取消菜单通知", tags=TAGS)
def unsubscribe(principal: Principal, canteen_id: str) -> SubscriptionView:
    return logic.subscribe(principal, canteen_id, False)


@bp.route("/canteens/me/notices", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=PageQuery, response=NoticePage, summary="菜单发布通知",
          tags=TAGS)
def my_notices(principal: Principal, query: PageQuery) -> NoticePage:
    return logic.notices(principal, limit=query.limit, cursor=query.cursor)

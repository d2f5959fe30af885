"""Canteen requests and views (pydantic)."""

from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.money import DishPriceFen
from chalicelib.platform.schema import Line, Schema, deprecated_label, label_of

Meal = Literal["breakfast", "lunch", "dinner", "night_shift"]
MEAL_ORDER: dict[str, int] = {"breakfast": 1, "lunch": 2, "dinner": 3, "night_shift": 4}
MEAL_CN = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐", "night_shift": "夜宵（夜班）"}
Tag = Literal["spicy", "vegetarian", "halal", "light", "signature"]
Allergen = Literal["peanut", "tree_nut", "milk", "egg", "fish", "shellfish", "soy", "wheat", "sesame"]
ContentType = Literal["image/jpeg", "image/png", "image/webp"]
CANTEEN_ID = r"^c-[a-z0-9]{6,24}$"
DISH_ID = r"^d-[a-z0-9]{6,24}$"


class NewCanteen(Schema):
    org_path: str = Field(..., max_length=200, description="食堂所属企业（或园区）组织路径")
    name: Line = Field(..., min_length=2, max_length=40)
    location: str = Field("", max_length=100)
    shared_with: list[str] = Field(default_factory=list, max_length=50, description="园区共享的其他企业")
    publish_hour: int = Field(17, ge=0, le=23, description="每天几点（北京时间）发布次日菜单")

    _org = field_validator("org_path")(check_path)

    @field_validator("shared_with")
    @classmethod
    def _shared(cls, value: list[str]) -> list[str]:
        return sorted({check_path(v) for v in value})


class CanteenUpdate(Schema):
    name: Line | None = Field(None, min_length=2, max_length=40)
    location: str | None = Field(None, max_length=100)
    publish_hour: int | None = Field(None, ge=0, le=23)


class CanteenView(Schema):
    canteen_id: str
    org_path: str
    name: str
    location: str
    shared_with: list[str]
    publish_hour: int


class CanteenList(Schema):
    items: list[CanteenView]
    next_cursor: str | None = None


class CanteensQuery(Schema):
    org: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class NewDish(Schema):
    name: Line = Field(..., min_length=1, max_length=30)
    price_fen: DishPriceFen
    tags: list[Tag] = Field(default_factory=list, max_length=5)
    allergens: list[Allergen] = Field(default_factory=list, max_length=9)
    photos: list[str] = Field(default_factory=list, max_length=5)


class DishUpdate(Schema):
    name: Line | None = Field(None, min_length=1, max_length=30)
    price_fen: DishPriceFen | None = None
    tags: list[Tag] | None = Field(None, max_length=5)
    allergens: list[Allergen] | None = Field(None, max_length=9)
    photos: list[str] | None = Field(None, max_length=5)


class DishView(Schema):
    dish_id: str
    name: str
    price_fen: int
    price_text: str
    tags: list[str]
    allergens: list[str]
    photos: list[str]
    rating_average: float | None
    rating_count: int


class DishList(Schema):
    items: list[DishView]
    next_cursor: str | None = None


class MealPlan(Schema):
    meal: Meal
    dish_ids: list[str] = Field(..., min_length=1, max_length=40)

    @field_validator("dish_ids")
    @classmethod
    def _ids(cls, value: list[str]) -> list[str]:
        import re

        if any(not re.fullmatch(DISH_ID, v) for v in value) or len(set(value)) != len(value):
            raise ValueError("菜品编号格式不正确或重复")
        return value


class DayPlan(Schema):
    day: date
    meals: list[MealPlan] = Field(..., min_length=1, max_length=4)

    @field_validator("meals")
    @classmethod
    def _unique(cls, meals: list[MealPlan]) -> list[MealPlan]:
        if len({m.meal for m in meals}) != len(meals):
            raise ValueError("同一天的餐次重复")
        return meals


class WeekPlan(Schema):
    days: list[DayPlan] = Field(..., min_length=1, max_length=7)

    @model_validator(mode="after")
    def _unique_days(self) -> "WeekPlan":
        if len({d.day for d in self.days}) != len(self.days):
            raise ValueError("日期重复")
        return self


class ServedDish(Schema):
    dish_id: str
    name: str
    price_fen: int
    price_text: str
    tags: list[str]
    allergens: list[str]
    photo: str | None = None
    rating_average: float | None = None
    rating_count: int = 0


class MenuView(Schema):
    day: str
    meal: Meal
    meal_cn: str = deprecated_label("meal_name")
    meal_name = label_of("meal_cn", "餐次的中文名")

    status: Literal["draft", "published"]
    publish_at: str
    dishes: list[ServedDish]


class MenuPage(Schema):
    canteen_id: str
    items: list[MenuView]


class MenuFilter(Schema):
    tag: list[Tag] = Field(default_factory=list, max_length=5, description="只看带这些标签的菜")
    without_allergen: list[Allergen] = Field(default_factory=list, max_length=9, description="排除含这些过敏原的菜")


class WeekQuery(MenuFilter):
    start: date | None = Field(None, description="从哪天起的 7 天，默认本周一")


class WeekWrite(Schema):
    canteen_id: str
    week_start: str
    written: int
    skipped_past_days: list[str] = Field(default_factory=list)


class RatingIn(Schema):
    stars: int = Field(..., ge=1, le=5)


class RatingView(Schema):
    dish_id: str
    day: str
    meal: Meal
    stars: int
    rating_average: float
    rating_count: int


class FavouriteView(Schema):
    canteen_id: str
    dish_id: str
    dish_name: str
    at: str


class FavouriteList(Schema):
    items: list[FavouriteView]
    next_cursor: str | None = None


class SubscriptionView(Schema):
    canteen_id: str
    subscribed: bool


class PhotoUploadRequest(Schema):
    __schema_name__ = "CanteenPhotoUploadRequest"
    content_type: ContentType


class PhotoUpload(Schema):
    __schema_name__ = "CanteenPhotoUpload"
    key: str
    url: str
    fields: dict[str, str]
    expires_in: int


class NoticeView(Schema):
    __schema_name__ = "CanteenNoticeView"
    at: str = Field(..., description="通知发出时间（UTC）", examples=["2026-11-30T02:00:00.000Z"])
    canteen_id: str
    day: str = Field(..., description="菜单对应的日期", examples=["2026-11-30"])
    title: str
    body: str


class NoticePage(Schema):
    __schema_name__ = "CanteenNoticePage"
    items: list[NoticeView]
    next_cursor: str | None = None


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

from typing import Literal

from pydantic import Field

from chalicelib.platform.schema import Schema

ArticleStatus = Literal["draft", "review", "scheduled", "published", "taken_down"]


class ContentChannelView(Schema):
    channel_id: str = Field(..., description="栏目编号", examples=["legal"])
    name: str = Field(..., description="栏目名称", examples=["普法"])
    members_only: bool = Field(..., description="是否仅限会员（如光年间恋爱攻略）")
    reviewers: int = Field(..., description="发布前需要几位审核人通过（审核人不能是作者）", examples=[2])


class ContentChannelList(Schema):
    items: list[ContentChannelView] = Field(..., description="栏目")


class ContentNewChannel(Schema):
    channel_id: str = Field(..., pattern=r"^[a-z][a-z0-9-]{1,31}$", description="栏目编号（小写字母、数字、连字符）",
                            examples=["safety"])
    name: str = Field(..., min_length=1, max_length=20, description="栏目名称", examples=["安全生产"])
    members_only: bool = Field(False, description="是否仅限会员")
    reviewers: int = Field(1, ge=1, le=3, description="发布前需要几位审核人通过", examples=[1])


class ContentArticleDraft(Schema):
    channel_id: str = Field(..., pattern=r"^[a-z][a-z0-9-]{1,31}$", description="栏目编号", examples=["legal"])
    title: str = Field(..., min_length=1, max_length=60, description="标题", examples=["劳动合同法：试用期工资怎么算"])
    summary: str = Field("", max_length=200, description="摘要", examples=["试用期工资不得低于转正工资的百分之八十。"])
    cover: str | None = Field(None, max_length=200, description="封面图（上传后得到的 content/ 开头的键）",
                              examples=["content/u-1/3f2a9c0d.jpg"])
    body_html: str = Field(..., max_length=200_000, description="正文（富文本 HTML，仅允许安全标签）",
                           examples=["<p>试用期工资不得低于……</p>"])
    tags: list[str] = Field(default_factory=list, max_length=8, description="标签", examples=[["劳动合同", "试用期"]])
    audience_org: str | None = Field(None, max_length=200, pattern=r"^zj(/[a-z0-9-]{1,40}){0,6}$",
                                     examples=["zj/huz/nanxun"],
                                     description="面向的组织节点（默认作者所在节点），须在作者管辖范围内")
    members_only: bool = Field(False, description="是否仅限会员")
    min_tier: int | None = Field(None, ge=1, le=7, examples=[1],
                                 description="仅光年间会员等级达到该级（0 起）的会员可见；"
                                             "等级不足的读者在栏目、搜索和详情中都看不到")
    publish_at: str | None = Field(None, max_length=40, description="计划发布时间（ISO 8601，默认审核通过即发布）",
                                   examples=["2026-12-01T09:00:00+08:00"])


class ContentArticleEdit(ContentArticleDraft):
    version: int = Field(..., ge=1, description="编辑所基于的版本号（并发编辑时防覆盖）", examples=[1])


class ContentTakeDown(Schema):
    reason: str = Field(..., min_length=2, max_length=200, description="下架原因", examples=["内容已过时"])


class ContentPin(Schema):
    pinned: bool = Field(..., description="是否置顶")


class ContentArticleView(Schema):
    article_id: str = Field(..., description="文章编号", examples=["ca-3f2a9c0d1e4b"])
    channel_id: str = Field(..., description="栏目编号", examples=["legal"])
    status: ArticleStatus = Field(..., description="状态：草稿、审核中、待发布、已发布、已下架")
    version: int = Field(..., description="当前版本号", examples=[1])
    title: str = Field(..., description="标题")
    summary: str = Field("", description="摘要")
    cover: str | None = Field(None, description="封面图键")
    body_html: str = Field("", description="正文（已净化的 HTML）")
    tags: list[str] = Field(default_factory=list, description="标签")
    author_name: str = Field("", description="作者")
    author_org: str = Field(..., description="作者所在组织")
    audience_org: str = Field(..., description="面向的组织节点")
    members_only: bool = Field(False, description="是否仅限会员")
    min_tier: int | None = Field(None, description="读者须达到的光年间会员等级（0 起）", examples=[1])
    publish_at: str = Field(..., description="计划发布时间（UTC）")
    published_at: str | None = Field(None, description="实际发布时间（UTC）")
    approvals: int = Field(0, description="已通过的审核人数")
    reviewers: int = Field(1, description="需要的审核人数")
    pinned: bool = Field(False, description="是否置顶")
    reads: int = Field(0, description="阅读人次（每人每天计一次）", examples=[128])
    likes: int = Field(0, description="点赞数", examples=[12])
    favourites: int = Field(0, description="收藏数", examples=[5])


class ContentReviewRow(Schema):
    article_id: str = Field(..., description="文章编号", examples=["ca-3f2a9c0d1e4b"])
    channel_id: str = Field(..., description="栏目编号", examples=["legal"])
    title: str = Field(..., description="标题", examples=["新修订《工会法》十问十答"])
    summary: str = Field("", description="摘要", examples=["职工最关心的十个问题"])
    version: int = Field(..., description="当前版本号（审核的就是这一版）", examples=[2])
    author_name: str = Field("", description="作者", examples=["南浔区总工会 杨老师"])
    author_org: str = Field(..., description="作者所在组织", examples=["zj/huz/nanxun"])
    audience_org: str = Field(..., description="面向的组织节点", examples=["zj/huz/nanxun"])
    approvals: int = Field(0, description="已通过的审核人数", examples=[0])
    reviewers: int = Field(1, description="需要的审核人数", examples=[1])
    publish_at: str = Field(..., description="计划发布时间（UTC）", examples=["2026-11-30T02:00:00.000Z"])
    submitted_at: str = Field(..., description="提交审核时间（UTC）", examples=["2026-11-30T01:00:00.000Z"])


class ContentReviewPage(Schema):
    items: list[ContentReviewRow] = Field(..., description="每个面向节点内新提交的在前")
    next_cursor: str | None = Field(None, examples=[None])


class ContentReviewQuery(Schema):
    org: str | None = Field(None, max_length=200, pattern=r"^zj(/[a-z0-9-]{1,40}){0,6}$",
                            description="只看面向该节点（含下级）的文章，须在管辖范围内，默认本人节点",
                            examples=["zj/huz/nanxun"])
    limit: int = Field(20, ge=1, le=50, description="每页条数", examples=[20])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class ContentReact(Schema):
    on: bool = Field(True, description="true 点赞/收藏，false 取消")


class ContentFeedItemView(Schema):
    article_id: str = Field(..., description="文章编号")
    channel_id: str = Field(..., description="栏目编号")
    title: str = Field(..., description="标题")
    summary: str = Field("", description="摘要")
    cover: str | None = Field(None, description="封面图键")
    tags: list[str] = Field(default_factory=list, description="标签")
    author_org: str = Field(..., description="发布单位")
    pinned: bool = Field(False, description="是否置顶")
    published_at: str = Field(..., description="发布时间（UTC）")


class ContentFeedPage(Schema):
    items: list[ContentFeedItemView] = Field(..., description="置顶在前，其余新的在前")
    next_cursor: str | None = Field(None, description="下一页游标")


class ContentFeedQuery(Schema):
    limit: int = Field(20, ge=1, le=50, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class ContentSearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=20, description="中文关键词（至少两个字）", examples=["劳动合同"])
    channel: str | None = Field(None, max_length=32, description="只搜某个栏目", examples=["legal"])
    limit: int = Field(20, ge=1, le=50, description="最多返回条数")


class ContentSearchResult(Schema):
    items: list[ContentFeedItemView] = Field(..., description="命中的文章，新的在前")


class ContentImageRequest(Schema):
    content_type: str = Field(..., max_length=64, description="图片类型：image/jpeg、image/png 或 image/webp",
                              examples=["image/jpeg"])


class ContentImageUpload(Schema):
    key: str = Field(..., description="上传后在文章中引用的键（正文里写作 /media/<key>）")
    url: str = Field(..., description="预签名上传地址")
    fields: dict[str, str] = Field(..., description="上传表单字段")
    expires_in: int = Field(..., description="有效秒数")


QuestionStatus = Literal["open", "answered", "published"]
QUESTION_STATUS_NAMES = {"open": "待解答", "answered": "已解答", "published": "已解答并公开（匿名）"}


class ContentQuestionAsk(Schema):
    text: str = Field(..., min_length=5, max_length=1000, description="法律问题（匿名：工作人员和公众都看不到提问人）",
                      examples=["试用期被辞退，公司说不用给补偿，对吗？"])


class ContentQuestionAnswer(Schema):
    answer: str = Field(..., min_length=5, max_length=3000, description="解答", examples=["试用期内解除劳动合同……"])


class ContentQuestionPublish(Schema):
    title: str | None = Field(None, min_length=2, max_length=60, description="公开问答的标题（默认取问题开头）",
                              examples=["试用期被辞退有没有补偿？"])
    audience_org: str | None = Field(None, max_length=200, pattern=r"^zj(/[a-z0-9-]{1,40}){0,6}$",
                                     description="面向的组织节点（默认本人节点），须在本人管辖范围内",
                                     examples=["zj/huz/nanxun"])


class ContentMyQuestionView(Schema):
    question_id: str = Field(..., examples=["cq-3f2a9c0d1e4b"])
    text: str = Field(..., description="我的问题")
    status: QuestionStatus = Field(..., description="open 待解答 · answered 已解答 · published 已公开")
    status_name: str = Field(..., examples=["待解答"])
    answer: str | None = Field(None, description="解答")
    answered_at: str | None = Field(None, description="解答时间（UTC）")
    article_id: str | None = Field(None, description="公开问答的文章编号（已公开时）")
    created_at: str = Field(..., examples=["2026-11-30T09:00:00.000Z"])
    next_step: str = Field(..., description="接下来会发生什么",
                           examples=["工会法律工作人员解答后，你会在消息中心收到通知"])


class ContentMyQuestionPage(Schema):
    items: list[ContentMyQuestionView] = Field(..., description="新的在前")
    next_cursor: str | None = None


class ContentStaffQuestionView(Schema):
    """What legal staff see: never who asked."""

    question_id: str = Field(..., examples=["cq-3f2a9c0d1e4b"])
    org_path: str = Field(..., description="提问人所在区县（不显示提问人和单位）", examples=["zj/huz/nanxun"])
    text: str
    status: QuestionStatus
    status_name: str = Field(..., examples=["待解答"])
    answer: str | None = None
    answered_by_name: str | None = Field(None, examples=["南浔区总工会 杨老师"])
    answered_at: str | None = None
    article_id: str | None = None
    created_at: str


class ContentStaffQuestionPage(Schema):
    items: list[ContentStaffQuestionView] = Field(..., description="先提的在前")
    next_cursor: str | None = None


class ContentQuestionQuery(Schema):
    status: Literal["open", "answered"] = Field("open", description="open 待解答；answered 已解答未公开")
    org: str | None = Field(None, max_length=200, pattern=r"^zj(/[a-z0-9-]{1,40}){0,6}$",
                            description="只看某个节点（须在管辖范围内），默认本人节点", examples=["zj/huz/nanxun"])
    limit: int = Field(20, ge=1, le=50, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class ContentMyQuestionQuery(Schema):
    limit: int = Field(20, ge=1, le=50, description="每页条数")
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")

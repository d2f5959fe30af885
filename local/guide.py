"""What a newcomer needs to use the local stack without reading the source: the fakes' control
URLs, the test people's ID numbers, the staff who log in through 浙政钉, every demo account and
what it shows, and the port options. ``make run`` prints :func:`banner`; the README's
"Getting started locally" says the same (a test checks that it names everything listed here)."""
from __future__ import annotations

from local.demo import accounts as demo_accounts
from local.demo import identity as demo_identity

# (what for, method and path on the fakes' port, arguments)
FAKE_CONTROLS = [
    ("微信登录 code（wx.login）", "GET /_fake/wechat/login-code", "openid=<任意>"),
    ("支付宝授权码（my.getAuthCode）", "GET /_fake/alipay/auth-code", "user_id=<任意>"),
    ("浙政钉免登码", "GET /_fake/dingtalk/auth-code", "account_id=<浙政钉账号>&name=<姓名>"),
    ("让某人刷脸失败/通过（默认通过）", "GET /_fake/alipay/face-result",
     "cert_no=<身份证号 或 *>&passed=false&fail_reason=<原因>"),
    ("刷脸完成（模拟页面上的按钮）", "GET /_fake/alipay/certify/complete", "certify_id=<发起时返回的>"),
    ("已发出的订阅消息", "GET /_fake/messages", ""),
    ("某人拒收订阅消息", "GET /_fake/subscriptions/refuse", "recipient=<openid>"),
]

# (who, ID number, what happens)
TEST_PEOPLE = [
    ("王小丽", demo_identity.WANG_ID, "在 光年科技 名册里：刷脸 → 会员比对通过 → 签承诺书即激活"),
    ("李晓", demo_identity.LI_ID, "不在名册里：停在「名册未找到」，可向 demo-xihu-admin 申诉"),
    ("陈宏鑫", demo_identity.CHEN_ID, "demo-worker 本人，已是激活会员（三行电气名册）"),
]

# (dev login body, who, what it shows)
DEMO_ACCOUNTS = [
    ('{"role": "worker", "user_id": "demo-worker"}', "陈宏鑫，南浔三行电气新员工（光年间昵称 阿鑫）",
     "优享：宿舍选床与入住、食堂菜单与 17:00 发布、大病帮扶已发放 + 金秋助学待审；本人的南浔工匠档案与 PDF；"
     "光年间：浏览、推荐"),
    ('{"role": "worker", "user_id": "demo-xiaowang", "org_path": "zj/hz/xihu"}', "王小丽，西湖 光年科技的新用户",
     "光年间 入会全流程：刷脸、会员比对、承诺书，之后填资料、传照片、浏览"),
    ('{"role": "worker", "user_id": "demo-tingting", "org_path": "zj/hz/xihu/e-guangnian"}',
     "婷婷，光年科技，已激活的光年间会员", "光年间：有照片的资料、浏览与推荐、互相心动"),
    ('{"role": "enterprise_admin", "user_id": "demo-enterprise-admin"}', "三行电气企业工会",
     "宿舍楼与房间、入住审批规则、食堂与周菜单、帮扶初审、南浔工匠档案（陈宏鑫）"),
    ('{"role": "union_admin", "user_id": "demo-nanxun-admin"}', "南浔区总工会 杨老师",
     "宿舍审批与入住、帮扶复审与公示、照片审核、南浔的数据、工匠档案核验与 PDF 导出"),
    ('{"role": "union_admin", "user_id": "demo-xihu-admin", "org_path": "zj/hz/xihu"}', "西湖区总工会 工会干事",
     "光年间：2,600 认证 / 1,447 激活会员、名册导入、申诉、举报与安全扫描拦截"),
    ('{"role": "union_admin", "user_id": "demo-yuyao-admin", "org_path": "zj/nb/yuyao"}', "余姚市总工会 产改办",
     "产改20条：政策、预算、一份已逐项审批和一份待审的补助申请"),
    ('{"role": "union_admin", "user_id": "demo-jinyun-admin", "org_path": "zj/ls/jinyun"}', "缙云县总工会 高老师",
     "缙云县的组织与范围（其他区县的数据看不到）"),
    ('{"role": "platform_admin", "user_id": "demo-platform-admin"}', "省总工会平台管理员",
     "全省：组织、工作人员开通、审计、各功能的全局视图"),
]

PORTS = [
    ("--port / PORT", "8000", "API、/docs、/openapi.json"),
    ("--ws-port / WS_PORT", "8001", "聊天 WebSocket（ws://127.0.0.1:8001/local?token=...）"),
    ("--moto-port", "随机", "moto（DynamoDB、SQS、EventBridge、S3、SSM）"),
    ("(fakes)", "随机", "微信 / 支付宝 / 浙政钉 fakes 的端口，启动时打印"),
    ("--host", "127.0.0.1", "监听地址"),
    ("--no-demo", "", "不加载演示数据"),
]


def banner(api: str, fakes: str, ws: str) -> str:
    lines = ["", "[local] ── Getting started (README: Getting started locally) ──",
             f"  docs        {api}/docs    WebSocket protocol: {api}/messaging/asyncapi.json",
             f"  demo login  curl -s -X POST {api}/dev/login -H 'Content-Type: application/json' -d '<body>'"]
    for body, who, shows in DEMO_ACCOUNTS:
        lines.append(f"    {body:<78} {who}: {shows}")
    lines.append(f"  浙政钉 staff  {fakes}/_fake/dingtalk/auth-code?account_id=<id>&name=<name> → POST /auth/dingtalk")
    for user_id, account_id in demo_accounts.DINGTALK_IDS.items():
        lines.append(f"    {account_id:<22} → {user_id}")
    lines.append(f"  fakes       {fakes}")
    for what, route, args in FAKE_CONTROLS:
        method, path = route.split(" ", 1)
        lines.append(f"    {what:<24} {method} {fakes}{path}{'?' + args if args else ''}")
    lines.append("  test people (roster matching)")
    for name, number, what in TEST_PEOPLE:
        lines.append(f"    {name:<4} {number}  {what}")
    lines.append(f"  chat        {ws}?token=<access_token>")
    lines.append("  ports       " + "; ".join(f"{flag} {default}".strip() for flag, default, _ in PORTS))
    return "\n".join(lines)

"""The union console in a real browser against the real local stack (demo data, 浙政钉 fake,
event pump), as staff use it.

- 南浔区总工会's 杨老师 opens the console from 浙政钉 (an authCode in the address), sees her
  name, org and role, approves 陈宏鑫's 金秋助学 application at the enterprise step and at the
  district step; a colleague at the province who had the same application open and approves
  a moment later is told in Chinese that someone decided first; 陈宏鑫 sees his application on
  public notice, and the dashboard's "on public notice" count moves by one.
- An enterprise admin sees their own enterprise's applications and not another enterprise's,
  even when asking for it by its org path.
- Logging out ends the session: the page forgets the tokens (nothing was ever in storage or
  cookies), the refresh token is revoked, and the console asks for a login again.
- 三行电气's union admin plans next week's menu of 三行职工食堂 in the menu editor: copies this
  week's menus, adds a new dish to a meal, saves; the API's week menu and a reloaded page show it;
  another district asking for that canteen is refused.
- Every page of the console: a screenshot on a desktop and on a 浙政钉-sized phone screen, every
  interactive control has an accessible name, no Content-Security-Policy violation, no script
  error; the first load is well under 1 MB of compressed JavaScript.
"""
from __future__ import annotations

import gzip
import io
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from .conftest import ARTIFACTS, skip_without_browser, skip_without_build

expect.set_options(timeout=30_000)
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("console"), skip_without_browser, skip_without_build]

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 780}  # a 浙政钉 H5 page on a phone
PHONE_PAGES = {"/console/dashboard", "/console/aid", "/console/dorms"}
WAIT = 30_000  # ms, for one condition on a busy 2-core machine (ends as soon as it holds)
INTERACTIVE = {"button", "link", "textbox", "combobox", "checkbox", "radio", "switch", "menuitem", "tab",
               "spinbutton", "searchbox", "slider", "listbox"}


class Watched:
    """A page whose script errors, CSP violations and failed calls are kept for the asserts."""

    def __init__(self, browser: Any, viewport: dict[str, int] = DESKTOP) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.problems: list[str] = []
        self.tokens: dict[str, Any] = {}
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def _response(self, response: Any) -> None:
        path = response.url.split("?", 1)[0]
        if path.endswith(("/auth/dingtalk", "/dev/login", "/auth/refresh")) and response.status == 200:
            self.tokens = response.json()

    def close(self) -> None:
        self.context.close()


def auth_code(stack: Any, account_id: str, name: str) -> str:
    answer = requests.get(f"{stack.fakes}/_fake/dingtalk/auth-code", params={"account_id": account_id, "name": name},
                          timeout=30)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["code"])


def choose(page: Any, control: str, option: str) -> None:
    """Pick an option of a labelled select with the keyboard (focus, arrow down opens it)."""
    page.get_by_role("combobox", name=control).focus()
    page.keyboard.press("ArrowDown")
    page.get_by_role("option", name=option).click()


def demo_login(watched: Watched, stack: Any, label: str) -> None:
    page = watched.page
    page.goto(f"{stack.url}/console/login")
    choose(page, "演示账号", label)
    page.get_by_role("button", name="以演示账号登录").click()
    page.wait_for_selector("[data-test=who-name]")


def card(page: Any, key: str) -> str:
    return str(page.locator(f"[data-test=card-{key}] [data-test=value]").inner_text()).strip()


def refresh_until(page: Any, key: str, holds: Any, seconds: float = 120.0) -> str:
    """The dashboard's card ``key`` once ``holds(value)``, pressing 刷新 meanwhile (figures roll
    up in the background through the event pump; a busy machine delays them)."""
    deadline = time.monotonic() + seconds
    while True:
        value = card(page, key)
        if holds(value):
            return value
        assert time.monotonic() < deadline, f"{key} is still {value!r} after {seconds:.0f} s"
        page.get_by_role("button", name="刷新").click()
        page.wait_for_timeout(1000)


def unnamed_controls(page: Any) -> list[str]:
    """Interactive nodes of the accessibility tree Chromium computes, without a name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    missing = []
    checked = 0
    for node in nodes:
        role = (node.get("role") or {}).get("value")
        if node.get("ignored") or role not in INTERACTIVE:
            continue
        checked += 1
        if not str((node.get("name") or {}).get("value") or "").strip():
            missing.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    assert checked > 0, "no interactive control found: the page did not render"
    return missing


def open_application(page: Any, applicant: str, aid_type: str) -> None:
    page.get_by_role("link", name="困难帮扶审核").click()
    page.get_by_role("button", name=f"办理 {applicant} 的{aid_type}申请").click()
    page.wait_for_selector("[data-test=aid-state]")


def test_district_admin_approves_aid_through_its_steps_and_the_dashboard_moves(stack, browser):
    yang = Watched(browser)
    colleague = Watched(browser)
    try:
        page = yang.page
        # 浙政钉 opens the console with an authCode; the page logs in with it and drops it from the address
        page.goto(f"{stack.url}/console/dashboard?authCode={auth_code(stack, 'zzd-nanxun-yang', '杨老师')}")
        page.wait_for_selector("[data-test=card-aid-notice]")
        assert "authCode" not in page.url
        assert "杨" in page.inner_text("[data-test=who-name]")
        assert page.inner_text("[data-test=who-org]") == "湖州市南浔区总工会"
        assert page.inner_text("[data-test=who-role]") == "区县/市总工会工作人员"
        # the demo's colleague 李娜 is on public notice already: the figures have arrived when the count shows her
        on_notice_before = int(refresh_until(page, "aid-notice", lambda v: re.match(r"^[1-9]", v)))
        page.screenshot(path=str(ARTIFACTS / "dashboard-before.png"), full_page=True)

        # the enterprise step
        open_application(page, "陈宏鑫", "金秋助学")
        assert page.inner_text("[data-test=aid-state]") == "企业工会审核中"
        page.locator("[data-action=approve]").click()
        page.get_by_role("status").filter(has_text="区总工会审核中").wait_for()
        assert page.inner_text("[data-test=aid-state]") == "区总工会审核中"

        # a colleague at the province opens the same application at the district step
        demo_login(colleague, stack, "省总工会平台管理员")
        colleague.page.get_by_role("link", name="困难帮扶审核").click()
        choose(colleague.page, "按状态筛选", "区总工会审核中")
        colleague.page.get_by_role("button", name="查询").click()
        colleague.page.get_by_role("button", name="办理 陈宏鑫 的金秋助学申请").click()
        colleague.page.locator("[data-action=approve]").wait_for()

        # 杨老师 approves the district step first: the application goes on public notice
        page.locator("[data-action=approve]").click()
        page.get_by_role("status").filter(has_text="公示中").wait_for()
        page.screenshot(path=str(ARTIFACTS / "aid-approved.png"), full_page=True)

        # the colleague's approval a moment later is a conflict, said so in Chinese, and the detail refreshes
        colleague.page.locator("[data-action=approve]").click()
        conflict = colleague.page.get_by_role("alert").filter(has_text="操作冲突")
        conflict.wait_for()
        assert "其他工作人员已先处理" in conflict.inner_text()
        expect(colleague.page.locator("[data-test=aid-state]")).to_have_text("公示中")
        colleague.page.screenshot(path=str(ARTIFACTS / "aid-conflict.png"), full_page=True)

        # 陈宏鑫 sees it
        worker = requests.post(f"{stack.url}/dev/login", json={"role": "worker", "user_id": "demo-worker"}, timeout=30).json()
        mine = requests.get(f"{stack.url}/aid/my-applications", headers={"Authorization": f"Bearer {worker['access_token']}"},
                            timeout=30).json()["items"]
        assert [a["state_name"] for a in mine if a["aid_type"] == "education"] == ["公示中"]

        # the dashboard's count moves (the figures roll up in the background, through the event pump)
        page.keyboard.press("Escape")
        page.get_by_role("link", name="数据看板").click()
        refresh_until(page, "aid-notice", lambda v: int(v) == on_notice_before + 1)
        page.screenshot(path=str(ARTIFACTS / "dashboard-after.png"), full_page=True)
        assert yang.problems == [] and colleague.problems == []
    finally:
        yang.close()
        colleague.close()


def test_the_dashboard_drills_down_from_the_province_to_an_enterprise_and_exports_xlsx(stack, browser):
    watched = Watched(browser)
    try:
        page = watched.page
        demo_login(watched, stack, "省总工会平台管理员")
        expect(page.locator("[data-test=figures-org]")).to_have_text("浙江省总工会")
        # the roll-up's own answer for the province, as the cards show it
        admin = requests.post(f"{stack.url}/dev/login", json={"role": "platform_admin", "user_id": "demo-platform-admin"},
                              timeout=30).json()
        month = (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m")  # the page's default: this month in Shanghai
        deadline = time.monotonic() + 120  # the demo's rooms reach the roll-up through the event pump
        while True:
            rolled = requests.get(f"{stack.url}/enterprises/figures", timeout=30,
                                  params={"org": "zj/huz/nanxun/e-sanxing", "month_from": month, "month_to": month},
                                  headers={"Authorization": f"Bearer {admin['access_token']}"}).json()
            beds = rolled["months"][-1]["figures"].get("dorm_beds", 0) if rolled["months"] else 0
            if beds > 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert beds > 0

        # province → city → district → enterprise, by the table's buttons (the chart's bars do the same)
        for name in ("湖州市总工会", "湖州市南浔区总工会", "浙江三行电气科技有限公司工会"):
            page.get_by_role("button", name=f"进入 {name}").click()
            expect(page.locator("[data-test=figures-org]")).to_have_text(name)
        expect(page.locator("[data-test=card-dorm_beds] [data-test=value]")).to_have_text(f"{beds:,} 张")
        assert [b.inner_text() for b in page.locator("[data-test=crumbs] button").all()][1:] == [
            "湖州市总工会", "湖州市南浔区总工会", "浙江三行电气科技有限公司工会"]
        page.screenshot(path=str(ARTIFACTS / "dashboard-enterprise.png"), full_page=True)

        # the export is a real XLSX of the node's months
        with page.expect_download() as download:
            page.get_by_role("button", name="导出 Excel").click()
        with open(download.value.path(), "rb") as handle:
            data = handle.read()
        assert data[:2] == b"PK" and download.value.suggested_filename.endswith(".xlsx")
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data)).active
        header = [str(c.value) for c in sheet[1]]
        rows = [dict(zip(header, (c.value for c in row), strict=False)) for row in sheet.iter_rows(min_row=2)]
        assert "宿舍床位（张）" in header and len(rows) == 6  # the page's default range: six months
        assert {r["组织路径"] for r in rows} == {"zj/huz/nanxun/e-sanxing"} and rows[-1]["月份"] == month
        assert watched.problems == []
    finally:
        watched.close()


def test_an_enterprise_admin_sees_only_their_own_enterprises_queue(stack, browser):
    own = Watched(browser)
    other = Watched(browser)
    try:
        demo_login(own, stack, "三行电气 企业工会（企业）")
        own.page.get_by_role("link", name="困难帮扶审核").click()
        choose(own.page, "按状态筛选", "已发放")
        own.page.get_by_role("button", name="查询").click()
        own.page.get_by_role("button", name="办理 陈宏鑫 的大病救助申请").wait_for()

        # another enterprise's admin (光年科技, 西湖) logs in through 浙政钉 once granted
        page = other.page
        tokens = requests.post(f"{stack.url}/dev/login", timeout=30, json={
            "role": "platform_admin", "user_id": "demo-platform-admin"}).json()
        granted = requests.post(f"{stack.url}/staff", timeout=30, json={
            "dingtalk_account_id": "zzd-guangnian-admin", "name": "光年科技工会 周主席", "org_path": "zj/hz/xihu/e-guangnian",
            "role": "enterprise_admin"}, headers={"Authorization": f"Bearer {tokens['access_token']}", "Idempotency-Key": "console-e2e-1"})
        assert granted.status_code == 201, granted.text
        page.goto(f"{stack.url}/console/aid?authCode={auth_code(stack, 'zzd-guangnian-admin', '光年科技工会 周主席')}")
        page.wait_for_selector("[data-test=aid-queue]")
        assert page.inner_text("[data-test=who-role]") == "企业工会管理员"
        choose(page, "按状态筛选", "已发放")
        page.get_by_role("button", name="查询").click()
        page.wait_for_timeout(500)
        page.wait_for_selector("[data-test=aid-queue] .el-table__empty-text")
        assert "陈宏鑫" not in page.inner_text("[data-test=aid-queue]")

        # asking for 三行电气's queue by its org path is refused, in Chinese
        page.get_by_role("textbox", name="按组织筛选（组织路径）").fill("zj/huz/nanxun/e-sanxing")
        page.get_by_role("button", name="查询").click()
        refused = page.locator("[data-test=queue-error]")
        refused.wait_for()
        assert "不在您的管辖范围内" in refused.inner_text() or "无权" in refused.inner_text()
        assert "陈宏鑫" not in page.inner_text("[data-test=aid-queue]")
        # nor do the union-only queues show in its menu
        assert page.get_by_role("link", name="会员身份申诉").count() == 0
        page.screenshot(path=str(ARTIFACTS / "enterprise-refused.png"), full_page=True)
        assert own.problems == [] and other.problems == []
    finally:
        own.close()
        other.close()


def test_logout_ends_the_session(stack, browser):
    watched = Watched(browser)
    try:
        page = watched.page
        page.goto(f"{stack.url}/console/?authCode={auth_code(stack, 'zzd-jinyun-gao', '高老师')}")
        page.wait_for_selector("[data-test=who-name]")
        refresh = watched.tokens["refresh_token"]
        # the tokens are held in the page's memory only
        stored = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
        assert stored == [0, 0, ""]
        assert watched.context.cookies() == []

        page.get_by_role("button", name="退出登录").click()
        page.get_by_text("您已退出登录。").wait_for()
        again = requests.post(f"{stack.url}/auth/refresh", json={"refresh_token": refresh}, timeout=30)
        assert again.status_code == 401, again.text
        page.goto(f"{stack.url}/console/aid")
        page.wait_for_selector("[data-test=demo-login]")
        assert page.url.startswith(f"{stack.url}/console/login")
        assert watched.problems == []
    finally:
        watched.close()


def test_every_page_is_labelled_screenshotted_on_desktop_and_phone_and_first_load_is_small(stack, browser):
    desktop = Watched(browser)
    phone = Watched(browser, PHONE)
    try:
        scripts: dict[str, bytes] = {}
        desktop.page.on("response", lambda r: scripts.__setitem__(r.url, r.body()) if r.url.endswith(".js") else None)
        desktop.page.goto(f"{stack.url}/console/")
        desktop.page.wait_for_selector("[data-test=demo-login]")
        first_load = sum(len(gzip.compress(body, 9)) for body in scripts.values())
        print(f"\nconsole first load: {len(scripts)} scripts, {first_load / 1024:.1f} KB gzip "
              f"({sum(map(len, scripts.values())) / 1024:.1f} KB raw)")
        assert first_load < 1024 * 1024
        assert unnamed_controls(desktop.page) == []
        desktop.page.screenshot(path=str(ARTIFACTS / "login.png"))

        demo_login(desktop, stack, "南浔区总工会 杨老师（区县工会）")
        demo_login(phone, stack, "南浔区总工会 杨老师（区县工会）")
        links = desktop.page.get_by_role("navigation", name="主导航").get_by_role("link")
        pages = [(links.nth(i).inner_text(), links.nth(i).get_attribute("href")) for i in range(links.count())]
        assert len(pages) >= 10
        for title, href in pages:
            # the session lives in the page's memory: move through the app, as staff do, not by reloading
            # every page on a desktop; the phone (the same layout rules) for the dashboard and two queues
            sizes = ((desktop, "desktop"), (phone, "phone")) if href in PHONE_PAGES else ((desktop, "desktop"),)
            for watched, size in sizes:
                toggle = watched.page.get_by_role("button", name="菜单")
                if size == "phone" and toggle.get_attribute("aria-expanded") != "true":  # folded on a phone
                    toggle.click()
                watched.page.get_by_role("navigation", name="主导航").get_by_role("link", name=title, exact=True).click()
                watched.page.get_by_role("heading", name=title, exact=True).wait_for()
                watched.page.wait_for_load_state("networkidle", timeout=5_000)
                name = href.rsplit("/", 1)[-1]
                watched.page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)
            assert unnamed_controls(desktop.page) == [], title
            if href in PHONE_PAGES:
                assert unnamed_controls(phone.page) == [], title
        assert desktop.problems == [] and phone.problems == []
    finally:
        desktop.close()
        phone.close()



def test_district_admin_decides_talent_declarations_and_is_told_of_a_conflict(stack, browser):
    """三行电气's union declares 沈建国 and 钱卫东 in the demo's 南浔 round (through the API, as the
    enterprise does); 杨老师 opens the round in the console, approves 沈建国 from the review queue;
    while she has 钱卫东 open a colleague rejects him first, and her approval is told in Chinese
    that someone decided first, with the declaration's new state shown."""
    from local.demo.talents import DEMO_TALENTS, ROUND_TITLE, SANXING

    login = requests.post(f"{stack.url}/dev/login", json={"role": "enterprise_admin", "user_id": "demo-sanxing-talents",
                                                         "org_path": SANXING, "name": "三行电气工会 沈主席"}, timeout=30)
    assert login.status_code == 200, login.text
    enterprise = {"Authorization": f"Bearer {login.json()['access_token']}"}
    rounds = requests.get(f"{stack.url}/talents/rounds", headers=enterprise, timeout=30).json()["items"]
    round_id = next(r["round_id"] for r in rounds if r["title"] == ROUND_TITLE)
    declared = {}
    for name, number, occupation, _, recommendation in DEMO_TALENTS[:2]:
        answer = requests.post(f"{stack.url}/talents/rounds/{round_id}/declarations", headers=enterprise, timeout=30,
                               json={"real_name": name, "id_number": number, "occupation_code": occupation,
                                     "level": "technician", "recommendation": recommendation, "submit": True})
        assert answer.status_code == 201, answer.text
        declared[name] = answer.json()["declaration_id"]
    (first, second) = declared

    watched = Watched(browser)
    try:
        page = watched.page
        demo_login(watched, stack, "南浔区总工会 杨老师（区县工会）")
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="千名技能人才审核").click()
        page.get_by_role("button", name=f"查看 {ROUND_TITLE} 的申报").click()
        page.get_by_role("button", name=f"审核 {first} 的申报").click()
        expect(page.locator("[data-test=talent-state]")).to_contain_text("待区县工会审核")
        assert unnamed_controls(page) == []
        page.get_by_role("button", name="通过", exact=True).click()
        expect(page.locator("[data-test=outcome]")).to_contain_text("已通过")
        expect(page.locator("[data-test=talent-state]")).not_to_contain_text("待区县工会审核")
        page.screenshot(path=str(ARTIFACTS / "talents-approved.png"), full_page=True)
        page.keyboard.press("Escape")

        page.get_by_role("button", name=f"审核 {second} 的申报").click()
        expect(page.locator("[data-test=talent-state]")).to_contain_text("待区县工会审核")
        colleague = requests.post(f"{stack.url}/talents/declarations/{declared[second]}/decision", timeout=30,
                                  headers={"Authorization": f"Bearer {watched.tokens['access_token']}"},
                                  json={"action": "reject", "reason": "不符合申报条件"})
        assert colleague.status_code == 200, colleague.text
        page.get_by_role("button", name="通过", exact=True).click()
        expect(page.locator("[data-test=outcome]")).to_contain_text("操作冲突")
        expect(page.locator("[data-test=talent-state]")).not_to_contain_text("待区县工会审核")
        assert watched.problems == []
    finally:
        watched.close()


def test_a_district_publishes_a_new_subsidy_policy_version_from_the_one_in_force(stack, browser):
    """余姚's 产改办 starts from the policy in force, names the new version and its effective date,
    raises nothing else and publishes; the same version a second time is told it exists."""
    watched = Watched(browser)
    try:
        page = watched.page
        demo_login(watched, stack, "余姚市总工会 产改办（区县工会）")
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="帮扶与补助设置").click()
        page.get_by_role("heading", name="发布新的政策版本").wait_for()
        assert unnamed_controls(page) == []
        page.get_by_role("textbox", name="新版本号").fill("2099")
        page.get_by_placeholder("选择日期").fill("2099-01-01")
        page.keyboard.press("Tab")
        page.get_by_role("button", name="发布新版本").click()
        outcome = page.locator("[data-test=policy-outcome]")
        expect(outcome).to_contain_text("已发布政策版本 2099（2099-01-01 起生效）")
        page.get_by_role("textbox", name="新版本号").fill("2099")
        page.get_by_placeholder("选择日期").fill("2099-01-01")
        page.keyboard.press("Tab")
        page.get_by_role("button", name="发布新版本").click()
        expect(outcome).to_contain_text("该版本已发布过")
        page.screenshot(path=str(ARTIFACTS / "settings-policy-published.png"), full_page=True)
        assert watched.problems == []
    finally:
        watched.close()


def test_a_canteen_manager_copies_last_week_adds_a_dish_and_saves_next_weeks_menu(stack, browser):
    """三行电气's union admin runs 三行职工食堂 (the demo planned its menus from today on). In 食堂菜单
    she moves to next week and copies this week's menus onto it (the outcome counts this week's
    meals), adds a new dish 桂花糖藕 at 6.5 元 to next Monday's dinner and saves the week: the API's
    week menu serves it at 650 fen, and after a reload (a new login) the editor shows it again.
    西湖's district union, asking for 三行电气's canteens, is told in Chinese that they are not its own."""
    watched = Watched(browser)
    outsider = Watched(browser)
    try:
        page = watched.page
        demo_login(watched, stack, "三行电气 企业工会（企业）")
        headers = {"Authorization": f"Bearer {watched.tokens['access_token']}"}
        canteen = requests.get(f"{stack.url}/canteens", headers=headers, timeout=30).json()["items"][0]
        today = (datetime.now(UTC) + timedelta(hours=8)).date()
        monday = today - timedelta(days=today.weekday())
        following = monday + timedelta(days=7)

        def week(start: Any) -> list[dict[str, Any]]:
            answer = requests.get(f"{stack.url}/canteens/{canteen['canteen_id']}/menus/week", headers=headers,
                                  params={"start": start.isoformat()}, timeout=30)
            assert answer.status_code == 200, answer.text
            return list(answer.json()["items"])

        this_week, planned_next = week(monday), week(following)
        assert this_week, "the demo plans this week's menus from today on"

        page.get_by_role("navigation", name="主导航").get_by_role("link", name="食堂菜单").click()
        page.get_by_role("heading", name="食堂菜单", exact=True).wait_for()
        expect(page.locator("[data-test=week-label]")).to_have_text(f"{monday} 至 {monday + timedelta(days=6)}")
        page.get_by_role("button", name="下一周").click()
        expect(page.locator("[data-test=week-label]")).to_have_text(f"{following} 至 {following + timedelta(days=6)}")
        page.locator("[data-test=week-days][aria-busy=false]").wait_for()
        page.locator("[data-action=copy-previous]").click()
        if planned_next:  # copying over menus already planned is confirmed first
            page.get_by_role("button", name="复制", exact=True).click()
        outcome = page.locator("[data-test=menus-outcome]")
        expect(outcome).to_contain_text(f"已复制上周菜单：写入 {len(this_week)} 个餐次")

        cell = f"周一（{following:%m-%d}） 晚餐"
        page.get_by_role("button", name=f"为 {cell} 添加菜品").click()
        page.get_by_role("textbox", name="菜名").fill("桂花糖藕")
        page.get_by_role("spinbutton", name="价格（元）").fill("6.5")
        page.get_by_role("dialog").locator(".el-checkbox", has_text="素食").click()  # the box itself is drawn over the input
        expect(page.get_by_role("checkbox", name="素食")).to_be_checked()
        assert unnamed_controls(page) == []
        page.get_by_role("button", name="新增并加入").click()
        expect(outcome).to_contain_text("已新增菜品 桂花糖藕（6.50元）")
        page.locator("[data-action=save-week]").click()
        expect(outcome).to_contain_text(f"已保存 {following} 这一周的菜单")

        dinner = next(m for m in week(following) if m["day"] == following.isoformat() and m["meal"] == "dinner")
        served = {d["name"]: d for d in dinner["dishes"]}
        assert served["桂花糖藕"]["price_fen"] == 650 and served["桂花糖藕"]["tags"] == ["vegetarian"]

        # a reload asks for a login again and comes back to the same canteen and week
        page.reload()
        choose(page, "演示账号", "三行电气 企业工会（企业）")
        page.get_by_role("button", name="以演示账号登录").click()
        expect(page.locator("[data-test=week-label]")).to_have_text(f"{following} 至 {following + timedelta(days=6)}")
        meal = page.locator(f"[data-day='{following}'] [data-meal=dinner]")
        expect(meal).to_contain_text("桂花糖藕")
        expect(meal).to_contain_text("¥6.50")
        assert unnamed_controls(page) == []
        page.screenshot(path=str(ARTIFACTS / "menus-saved-desktop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(ARTIFACTS / "menus-saved-phone.png"), full_page=True)

        demo_login(outsider, stack, "西湖区总工会 工会干事（区县工会）")
        outsider.page.get_by_role("navigation", name="主导航").get_by_role("link", name="食堂菜单").click()
        outsider.page.get_by_role("textbox", name="按组织筛选（组织路径）").fill(canteen["org_path"])
        outsider.page.get_by_role("button", name="查询").click()
        expect(outsider.page.locator("[data-test=menus-error]")).to_contain_text("不在您的管辖范围内")
        assert outsider.page.locator("[data-day]").count() == 0
        assert watched.problems == [] and outsider.problems == []
    finally:
        watched.close()
        outsider.close()

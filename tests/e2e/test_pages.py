"""The pages in Chromium: a caseworker's day, an approver's sign-off, a member's application, and a
secretary of another branch kept out — with the demo county behind the real server."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Locator, Page, expect

from api.importing import template
from tests.e2e.conftest import Site, log_in

CURRENT_NODES = "pre.mermaid[data-rendered] svg g.node.current"


def choose(select: Locator, text: str) -> None:
    """Pick the option whose label contains `text` (organization names are indented by depth)."""
    value = select.locator("option", has_text=text).first.get_attribute("value")
    assert value, f"no option {text}"
    select.select_option(value=value)


def test_a_caseworker_claims_a_task_fixes_a_refused_form_and_sees_the_case_move_and_its_document_ready(
    page: Page, site: Site
) -> None:
    log_in(page, "dongjie")
    page.goto("/work?view=org")
    row = page.locator("tr", has_text=site.mobile_subject).filter(has_text="向流入地党组织通报")
    expect(row).to_have_count(1)
    row.get_by_role("button", name="认领").click()
    expect(row).to_contain_text("已认领")
    expect(row.get_by_role("button", name="退回")).to_be_visible()
    expect(page.locator("#my-open-tasks")).to_be_visible()  # the menu's count follows, no reload

    page.goto("/work?view=mine")
    mine = page.locator("tr", has_text=site.mobile_subject).filter(has_text="向流入地党组织通报")
    expect(mine).to_have_count(1)
    mine.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/cases/{site.mobile_case}$"))
    expect(page.locator(CURRENT_NODES).filter(has_text="待通报流入地党组织")).to_have_count(1)

    form = page.locator("#action-send_mutual_notice")
    form.locator("summary").click()
    form.get_by_role("button", name="办理：向流入地通报").click()
    expect(page.locator("#action-send_mutual_notice .error")).to_have_text("请填写“通报方式”")
    expect(page).to_have_url(re.compile(rf"/cases/{site.mobile_case}$"))  # the form came back in place

    form = page.locator("#action-send_mutual_notice")
    form.get_by_label("通报方式").select_option(label="平台推送")
    form.get_by_role("button", name="办理：向流入地通报").click()
    page.wait_for_url(re.compile(r"done=send_mutual_notice"))
    expect(page.get_by_role("status").filter(has_text="已办理：向流入地通报")).to_be_visible()
    expect(page.locator(CURRENT_NODES).filter(has_text="已通报，待流入地确认")).to_have_count(1)
    expect(page.locator(CURRENT_NODES).filter(has_text="待通报流入地党组织")).to_have_count(0)
    expect(page.locator("#timeline li").first).to_contain_text("向流入地通报")

    page.evaluate("window.stayedOnPage = true")
    document = page.locator("#documents li").first
    expect(document).to_have_attribute("data-document-status", "ready", timeout=90_000)
    expect(document.get_by_role("link", name="下载 PDF")).to_be_visible()
    assert page.evaluate("window.stayedOnPage") is True  # turned ready without a reload
    with page.expect_download() as download:
        document.get_by_role("link", name="下载 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_an_approver_signs_off_the_transfer_letter(page: Page, site: Site) -> None:
    log_in(page, "chengguan")
    page.goto("/work?view=org")
    row = page.locator("tr", has_text=site.transfer_subject).filter(has_text="介绍信")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/cases/{site.transfer_case}$"))

    form = page.locator("#action-issue_letter")
    form.locator("summary").click()
    form.get_by_label("转接类别").select_option(label="县内转接")
    form.get_by_label("党费已交到").fill("2026-06-30")
    form.get_by_role("button", name="办理：审批并开具介绍信").click()
    page.wait_for_url(re.compile(r"done=issue_letter"))
    expect(page.get_by_role("status").filter(has_text="已办理：审批并开具介绍信")).to_be_visible()
    first = page.locator("#timeline li").first
    expect(first).to_contain_text("审批并开具介绍信")
    expect(first).to_contain_text("刘芳")
    expect(page.locator("#action-issue_letter")).to_have_count(0)


def test_a_member_submits_an_application_and_follows_its_status(page: Page, site: Site) -> None:
    log_in(page, "dangyuan")
    expect(page).to_have_url(re.compile(r"/me$"))
    page.get_by_role("link", name=re.compile("提出转接申请")).click()
    choose(page.get_by_label("流入地（接收方）党组织"), "光明村党支部")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".field.has-error .error").first).to_contain_text("请填写")

    page.get_by_label("转接原因").select_option(label="工作单位变动")
    page.get_by_label("转往的党组织").fill("新坝镇光明村党支部")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/\d+\?done=submit_request"))
    expect(page.get_by_role("status").filter(has_text="已办理：提出转接申请")).to_be_visible()
    state = page.locator("[data-state]").first.inner_text()

    page.goto("/me")
    mine = page.locator(".my-cases li", has_text="党员组织关系转接").first
    expect(mine.locator("[data-case-status]")).to_contain_text(state)


def test_a_branch_secretary_of_another_organization_cannot_open_the_case(page: Page, site: Site) -> None:
    log_in(page, "hongshahe")
    response = page.goto(f"/cases/{site.mobile_case}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_have_text("案件不存在或不在您的管理范围内")
    expect(page.locator("body")).not_to_contain_text(site.mobile_subject)
    expect(page.locator("body")).not_to_contain_text("Traceback")


@pytest.mark.parametrize(
    ("username", "paths"),
    [
        ("dongjie", ["/", "/work?view=mine", "/work?view=org&overdue=true", "/cases", "/people", "/orgs"]),
        ("chengguan", ["/dashboard", "/cases?closed=1", "/notifications", "/account/password"]),
        ("admin", ["/admin/users", "/admin/orgs", "/admin/import", "/people/new", "/orgs/1"]),
        ("dangyuan", ["/me", "/notifications", "/me/apply/mobile"]),
    ],
)
def test_the_main_pages_open_for_each_role_without_an_error(
    page: Page, site: Site, username: str, paths: list[str]
) -> None:
    log_in(page, username)
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.locator(".error-page")).to_have_count(0)


def test_the_dashboard_draws_its_charts_with_the_numbers_beside_them(page: Page, site: Site) -> None:
    log_in(page, "zuzhibu")
    page.goto("/dashboard")
    expect(page.locator("canvas[data-chart='cases']")).to_be_visible()
    drawn = page.evaluate(
        "() => Boolean(window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=cases]')))"
    )
    assert drawn
    expect(page.locator(".chart-panel table.numbers").first).to_contain_text("件")


def test_on_a_phone_the_menu_folds_and_the_queue_reads_as_cards(browser: Browser, site: Site) -> None:
    context = browser.new_context(
        base_url=site.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    log_in(page, "dongjie")
    page.goto("/work?view=org")
    expect(page.locator("nav.nav")).to_be_hidden()
    page.locator(".nav-button").click()
    expect(page.locator("nav.nav").get_by_role("link", name="本组织待办")).to_be_visible()
    expect(page.locator("table.list thead")).to_be_hidden()  # rows read as labelled cards
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the page scrolls sideways on a phone ({width}px)"
    page.goto(f"/cases/{site.transfer_case}")
    page.wait_for_selector("pre.mermaid[data-rendered]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the case page scrolls sideways on a phone ({width}px)"
    context.close()


def test_the_monthly_development_report_shows_the_stages_and_exports_excel(page: Page, site: Site) -> None:
    log_in(page, "zuzhibu")
    page.goto("/reports/development")
    expect(page.locator("h1")).to_contain_text("发展党员工作月报")
    expect(page.locator("table.list").first).to_contain_text("入党积极分子")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto("/reports/development?period=2026-13")
    expect(page.get_by_role("alert")).to_contain_text("统计期间应写作")


def test_the_queue_works_from_the_keyboard(page: Page, site: Site) -> None:
    log_in(page, "hongshahe")
    page.goto("/work?view=org&assignee=none")
    first = page.locator("[data-keyboard-list] tbody tr").first
    subject = first.locator("td").nth(2).inner_text()
    page.keyboard.press("j")
    expect(first).to_be_focused()
    page.keyboard.press("c")
    expect(first).to_contain_text("已认领")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("h1")).to_contain_text(subject)


def test_an_import_shows_its_upload_and_every_row_error(page: Page, site: Site) -> None:
    workbook = load_workbook(io.BytesIO(template("people")))
    workbook.worksheets[0].append(
        ["李四", "未知", "汉族", "1985-01-01", "12345", "", "群众", "不存在的党支部"]
    )
    content = io.BytesIO()
    workbook.save(content)
    log_in(page, "admin")
    page.goto("/admin/import")
    page.set_input_files(
        "#i-file",
        files=[{"name": "roster.xlsx", "mimeType": "application/octet-stream", "buffer": content.getvalue()}],
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#import-report")).to_contain_text("文件有误，未导入任何数据")
    errors = page.locator("#import-report .row-errors li")
    expect(errors.filter(has_text="第2行“性别”")).to_have_count(1)
    assert page.locator("#import-progress").evaluate("bar => bar.value") == 100

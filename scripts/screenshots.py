"""Screenshots of the main pages, taken with Playwright and Debian's Chromium from a fresh demo site
(the same one the browser tests use), written to docs/screenshots/ and linked from the README.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.importing import template  # noqa: E402
from tests.e2e.site import PASSWORD, Site, running_site  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


def _session(browser: Browser, site: Site, username: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=site.url, locale="zh-CN", viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def _shot(page: Page, name: str, full: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print("wrote", OUT / f"{name}.png")


def _bad_roster() -> bytes:
    """The people template with two wrong rows, to show how an import names every error."""
    workbook = load_workbook(io.BytesIO(template("people")))
    sheet = workbook.worksheets[0]
    sheet.append(
        ["张三", "男", "汉族", "1990-03-07", "110101199003071234", "大学", "正式党员", "不存在的党支部"]
    )
    sheet.append(["李四", "未知", "汉族", "1985-01-01", "12345", "", "群众", "城关镇东街社区党支部"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def take(site: Site, browser: Browser) -> None:
    login = browser.new_context(base_url=site.url, viewport=DESKTOP).new_page()
    login.goto("/login")
    _shot(login, "01-login", full=False)

    page = _session(browser, site, "dongjie", DESKTOP)
    page.goto("/work?view=org")
    _shot(page, "02-queue-org")
    row = page.locator("tr", has_text=site.mobile_subject).filter(has_text="向流入地党组织通报")
    row.get_by_role("button", name="认领").click()
    page.wait_for_timeout(300)
    page.goto("/work?view=mine")
    _shot(page, "03-queue-mine")
    page.goto(f"/cases/{site.mobile_case}")
    page.wait_for_selector("pre.mermaid[data-rendered]")
    _shot(page, "04-case")
    form = page.locator("#action-send_mutual_notice")
    form.locator("summary").click()
    form.get_by_role("button", name="办理：向流入地通报").click()
    page.wait_for_selector("#action-send_mutual_notice .error")
    page.locator("#action-send_mutual_notice").scroll_into_view_if_needed()
    page.locator("#actions").screenshot(path=str(OUT / "05-action-form-error.png"))
    print("wrote", OUT / "05-action-form-error.png")
    page.goto("/people")
    _shot(page, "06-people")
    page.locator("table.list tbody tr a").first.click()
    _shot(page, "07-person")

    approver = _session(browser, site, "chengguan", DESKTOP)
    approver.goto(f"/cases/{site.transfer_case}")
    approver.wait_for_selector("pre.mermaid[data-rendered]")
    approver.locator("#action-issue_letter summary").click()
    _shot(approver, "08-approver-case")

    member = _session(browser, site, "dangyuan", DESKTOP)
    _shot(member, "09-member-self-service")
    member.goto("/me/apply/transfer")
    _shot(member, "10-member-application")

    department = _session(browser, site, "zuzhibu", DESKTOP)
    department.goto("/dashboard")
    department.wait_for_timeout(800)
    _shot(department, "11-dashboard")
    department.goto("/orgs")
    _shot(department, "12-org-tree")
    department.goto("/reports/development")
    department.wait_for_timeout(800)
    _shot(department, "17-development-report")

    admin = _session(browser, site, "admin", DESKTOP)
    admin.goto("/admin/users")
    _shot(admin, "13-admin-users", full=False)
    admin.goto("/admin/import")
    admin.uncheck("input[name=dry_run]")
    admin.set_input_files(
        "#i-file",
        files=[{"name": "roster.xlsx", "mimeType": "application/octet-stream", "buffer": _bad_roster()}],
    )
    admin.get_by_role("button", name="上传并检查").click()
    admin.wait_for_selector("#import-report .alert, #import-report .flash")
    _shot(admin, "14-import-row-errors")

    phone = _session(browser, site, "dongjie", PHONE)
    phone.goto("/work?view=org")
    _shot(phone, "15-phone-queue", full=False)
    phone.goto(f"/cases/{site.mobile_case}")
    phone.wait_for_selector("pre.mermaid[data-rendered]")
    _shot(phone, "16-phone-case", full=False)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data, running_site(Path(data)) as site, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        take(site, browser)
        browser.close()


if __name__ == "__main__":
    main()

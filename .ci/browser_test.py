"""The coder's page in a real headless Chromium (Selenium, chromedriver).

    python browser_test.py http://127.0.0.1:8080/

Types "diab" and expects E11.9 among the results with its words highlighted, pages
forward and back, opens E11.9 (title, history), validates a list of codes, checks a claim,
and (when the server offers SuggestCodes) pastes a note and expects its codes with the
evidence marked in the text and no code for the negated chest pain. Fails on any
JavaScript error in the browser console.

Settings (environment): CODIFY_CHROMIUM (default /usr/bin/chromium), CODIFY_CHROMEDRIVER
(default /usr/bin/chromedriver), CODIFY_BROWSER_NEED_SUGGEST=1 to fail rather than skip
when SuggestCodes is UNIMPLEMENTED, CODIFY_BROWSER_SCREENSHOTS=DIR to save a screenshot
of each step.
"""

import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

NOTE = (
    "Assessment: type 2 diabetes mellitus with diabetic chronic kidney disease stage 3a. "
    "Denies chest pain."
)
TIMEOUT = 20


class Failure(Exception):
    pass


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CODIFY_CHROMIUM", "/usr/bin/chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI containers run as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=os.environ.get("CODIFY_CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(options=options, service=service)


def wait_for(driver, what, condition, timeout=TIMEOUT):
    try:
        wait = WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=[StaleElementReferenceException])
        return wait.until(lambda d: condition(d))
    except TimeoutException:
        status = " | ".join(
            node.text for node in driver.find_elements(By.CSS_SELECTOR, ".status") if node.text
        )
        raise Failure(f"timed out waiting for {what} (page status: {status or 'none'})") from None


def codes(driver, selector):
    """The data-code of every element `selector` selects, read at once (no stale elements)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), (e) => e.dataset.code);", selector
    )


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


class Steps:
    def __init__(self, driver, base):
        self.driver, self.base = driver, base
        self.shots = os.environ.get("CODIFY_BROWSER_SCREENSHOTS")
        self.count = 0

    def step(self, name, run):
        started = time.monotonic()
        run()
        self.count += 1
        print(f"  ok  {name} ({time.monotonic() - started:.2f}s)", flush=True)
        if self.shots:
            os.makedirs(self.shots, exist_ok=True)
            self.driver.save_screenshot(os.path.join(self.shots, f"{self.count:02d}-{name.replace(' ', '-')}.png"))

    def open_page(self):
        d = self.driver
        d.get(self.base)
        wait_for(d, "the page's script to start", lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        if d.title != "Codify":
            raise Failure(f"page title {d.title!r}")

    def search_as_you_type(self):
        d = self.driver
        box = d.find_element(By.ID, "search-query")
        box.send_keys("diab")  # key by key, as a user types
        result = wait_for(
            d,
            "E11.9 among the results of 'diab'",
            lambda d: next(
                (r for r in d.find_elements(By.CSS_SELECTOR, "#search-results li.result") if r.get_attribute("data-code") == "E11.9"),
                None,
            ),
        )
        marks = [m.text.lower() for m in d.find_elements(By.CSS_SELECTOR, "#search-results mark")]
        if not marks or not all(m.startswith("diab") for m in marks):
            raise Failure(f"highlights should be the 'diab' words: {marks[:10]}")
        if "Type 2 diabetes mellitus without complications" not in result.text:
            raise Failure(f"E11.9's result reads {result.text!r}")
        if "results as of" not in text_of(d, "search-status"):
            raise Failure(f"status: {text_of(d, 'search-status')!r}")

    def paging(self):
        d = self.driver
        first_page = codes(d, "#search-results li.result")
        if len(first_page) != 20:
            raise Failure(f"a first page of 20 results expected, got {len(first_page)}")
        d.find_element(By.ID, "search-next").click()
        wait_for(d, "page 2", lambda d: text_of(d, "search-page") == "page 2" and "21–" in text_of(d, "search-status"))
        second_page = codes(d, "#search-results li.result")
        if not second_page or set(second_page) & set(first_page):
            raise Failure(f"page 2 should hold other codes: {second_page}")
        d.find_element(By.ID, "search-prev").click()
        wait_for(
            d,
            "page 1 again",
            lambda d: codes(d, "#search-results li.result") == first_page,
        )

    def open_code(self):
        d = self.driver
        result = next(r for r in d.find_elements(By.CSS_SELECTOR, "#search-results li.result") if r.get_attribute("data-code") == "E11.9")
        result.click()
        wait_for(d, "E11.9's detail", lambda d: d.find_elements(By.ID, "detail-code") and text_of(d, "detail-code") == "E11.9")
        title = text_of(d, "detail-title")
        if "Type 2 diabetes mellitus without complications" not in title:
            raise Failure(f"detail title {title!r}")
        # E11.9 is in every loaded ICD-10-CM release: its history starts with the first.
        history = d.find_elements(By.CSS_SELECTOR, "table#detail-history tbody tr")
        if not history or not any("FY20" in row.text and "added" in row.text for row in history):
            raise Failure(f"E11.9's history should show the release that added it: {text_of(d, 'detail-history')!r}")
        detail = text_of(d, "detail")
        for expected in ("billable", "History", "E08-E13"):
            if expected not in detail:
                raise Failure(f"{expected!r} missing from the detail: {detail[:400]!r}")

    def validate(self):
        d = self.driver
        d.find_element(By.ID, "tab-validate").click()
        d.find_element(By.ID, "validate-codes").send_keys("E11.9\nE11\nHCPCS J1100\nZZZ")
        d.find_element(By.ID, "validate-run").click()
        wait_for(d, "4 validation rows", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#validate-results tr.validation")) == 4)
        rows = d.find_elements(By.CSS_SELECTOR, "#validate-results tr.validation")
        checks = [("E11.9", "valid"), ("E11", "invalid"), ("J1100", "valid"), ("ZZZ", "invalid")]
        for row, (code, verdict) in zip(rows, checks):
            cells = [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            if not cells[0].startswith(code) or cells[1] != verdict:
                raise Failure(f"validation row {cells}: expected {code} {verdict}")
        rows = [row.text for row in rows]
        if "not billable" not in rows[1]:
            raise Failure(f"E11 should be a header: {rows[1]!r}")
        if "2 of 4 valid" not in text_of(d, "validate-status"):
            raise Failure(f"status: {text_of(d, 'validate-status')!r}")

    def claim(self):
        d = self.driver
        d.find_element(By.ID, "tab-claim").click()
        d.find_element(By.ID, "claim-age").send_keys("60")
        d.find_element(By.ID, "claim-diagnoses").send_keys("E11.9\nE11.9")
        d.find_element(By.ID, "claim-lines").send_keys("99213")
        d.find_element(By.ID, "claim-run").click()
        wait_for(d, "the claim's edits", lambda d: d.find_elements(By.CSS_SELECTOR, "#claim-edits tr.edit"))
        edits = text_of(d, "claim-edits")
        if "duplicate code" not in edits or "E11.9" not in edits:
            raise Failure(f"a duplicate-code edit on E11.9 expected: {edits!r}")
        if "Rule sets applied" not in text_of(d, "claim-results"):
            raise Failure("the rule sets applied are not shown")

    def note(self):
        d = self.driver
        d.find_element(By.ID, "tab-note").click()
        box = d.find_element(By.ID, "note-text")
        box.clear()
        d.execute_script("arguments[0].value = arguments[1];", box, NOTE)  # pasted, not typed
        d.find_element(By.ID, "note-run").click()
        wait_for(
            d,
            "the note's suggestions",
            lambda d: d.find_elements(By.CSS_SELECTOR, "#note-suggestions li.suggestion")
            or "UNIMPLEMENTED" in text_of(d, "note-status")
            or d.find_element(By.ID, "note-status").get_attribute("class").endswith("error"),
        )
        status = text_of(d, "note-status")
        if "UNIMPLEMENTED" in status:
            if os.environ.get("CODIFY_BROWSER_NEED_SUGGEST") == "1":
                raise Failure("SuggestCodes is not implemented by this server")
            print("  --  SuggestCodes is not on this server yet: note step skipped", flush=True)
            return
        if "error" in d.find_element(By.ID, "note-status").get_attribute("class"):
            raise Failure(f"SuggestCodes failed: {status}")
        suggested = codes(d, "#note-suggestions li.suggestion")
        if "E11.22" not in suggested:
            raise Failure(f"E11.22 expected among the suggestions: {suggested}")
        if any(code.startswith("R07") for code in suggested):
            raise Failure(f"no code for the denied chest pain: {suggested}")
        marked = d.find_element(By.ID, "note-marked")
        if marked.text != NOTE:
            raise Failure(f"the marked note should read as the note: {marked.text!r}")
        evidence = [m.text.lower() for m in marked.find_elements(By.CSS_SELECTOR, "mark.evidence")]
        if not any("diabet" in e for e in evidence):
            raise Failure(f"the diabetes words should be marked as evidence: {evidence}")
        if any("chest pain" in e for e in evidence):
            raise Failure(f"chest pain marked as evidence: {evidence}")
        uncodable = [m.text.lower() for m in marked.find_elements(By.CSS_SELECTOR, "mark.uncodable")]
        mentions = [m.text.lower() for m in d.find_elements(By.CSS_SELECTOR, "#note-mentions li.mention")]
        if not any("negated" in m and "chest pain" in m for m in mentions):
            raise Failure(f"the denied chest pain should be listed as a negated mention: {mentions}")
        print(f"      suggested {suggested}; evidence {evidence}; not coded {uncodable}", flush=True)
        # Clicking a suggestion outlines its evidence in the text.
        first = d.find_elements(By.CSS_SELECTOR, "#note-suggestions li.suggestion")[suggested.index("E11.22")]
        first.click()
        active = [m.text for m in marked.find_elements(By.CSS_SELECTOR, "mark.active")]
        if not active:
            raise Failure("clicking a suggestion should mark its evidence")

    def console_is_clean(self):
        errors = [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry.get("level") == "SEVERE"
        ]
        if errors:
            raise Failure(f"JavaScript errors in the console: {errors}")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    base = sys.argv[1]
    driver = browser()
    try:
        version = driver.capabilities.get("browserVersion", "?")
        print(f"chromium {version}, selenium {webdriver.__version__}, page {base}", flush=True)
        steps = Steps(driver, base)
        steps.step("open the page", steps.open_page)
        steps.step("type diab, see E11.9 highlighted", steps.search_as_you_type)
        steps.step("page forward and back", steps.paging)
        steps.step("open E11.9: title and history", steps.open_code)
        steps.step("validate a list of codes", steps.validate)
        steps.step("check a claim", steps.claim)
        steps.step("paste a note, see its codes", steps.note)
        steps.step("no JavaScript errors", steps.console_is_clean)
    except Failure as failure:
        print(f"browser test FAILED: {failure}", file=sys.stderr)
        shots = os.environ.get("CODIFY_BROWSER_SCREENSHOTS")
        if shots:
            os.makedirs(shots, exist_ok=True)
            driver.save_screenshot(os.path.join(shots, "failure.png"))
        sys.exit(1)
    finally:
        driver.quit()
    print("browser test passed")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Opens a chaff audit report in headless Chromium and checks that it renders.

Drives Chromium through the DevTools protocol over a pipe
(--remote-debugging-pipe: JSON messages separated by NUL bytes on file
descriptors 3 and 4), so it needs nothing but Python's standard library and
a Chromium binary.

    audit_check.py REPORT.html [--summary SUMMARY.json] [--pages N]
                   [--screenshot OUT.png] [--hostile]

Checks:
  * the page loads, with no console message of level error, no exception,
    no dialog, and no network request besides the report file itself;
  * the report holds no script element and runs no script;
  * the screenshot is not blank (several colours, enough non-white pixels);
  * it shows N pages (--pages) and, for each page, as many struck-through
    paragraphs (a <del> whose computed text-decoration is line-through) as
    the run dropped (--summary: the RunRecord; every page of the run must
    be in the report for that count to hold, as with the sample pages);
  * the filter by reason works without script: after a click on the
    "boilerplate" label, only boilerplate paragraphs are displayed;
  * with --hostile: no element that loads or runs anything (img, iframe,
    object, embed, link, base, form, a meta refresh), and every link is a
    fragment of the report or an http(s) URL.

Exits 0 when every check passes, 1 otherwise, printing what failed.
"""

import argparse
import base64
import fcntl
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


class Browser:
    """Chromium with the DevTools protocol on a pipe."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="chaff-audit-check-")
        # Chromium reads commands on fd 3 and writes answers on fd 4. The
        # pipe ends it gets are moved above 10 first, so that putting one
        # on 3 or 4 never closes the other.
        def high(fd):
            moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
            os.close(fd)
            return moved

        to_chrome_r, self.to_chrome = map(high, os.pipe())
        self.from_chrome, from_chrome_w = map(high, os.pipe())

        def child_fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def wait_for(self, method, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(self.read(deadline))

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def png_pixels(data):
    """Width, height and rows of RGB(A) tuples of an 8-bit PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"PNG depth {depth} colour {colour}"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if filter_type == 1:
                line[x] = (line[x] + a) & 255
            elif filter_type == 2:
                line[x] = (line[x] + b) & 255
            elif filter_type == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif filter_type == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def screenshot_is_blank(png):
    width, height, channels, rows = png_pixels(png)
    colours, inked = set(), 0
    for row in rows[::4]:
        for x in range(0, width * channels, channels * 4):
            pixel = row[x : x + 3]
            colours.add(pixel)
            if sum(pixel) < 600:
                inked += 1
    sampled = (len(rows[::4])) * len(range(0, width * channels, channels * 4))
    return len(colours) < 8 or inked < sampled * 0.005, len(colours), inked / max(sampled, 1)


PROBE = r"""
(() => {
  const pages = [...document.querySelectorAll('section.page')];
  const struck = el => getComputedStyle(el).textDecorationLine.includes('line-through');
  const perPage = pages.map(p => ({
    id: p.id,
    dropped: p.querySelectorAll('.p.x').length,
    struck: [...p.querySelectorAll('.p.x del.t')].filter(struck).length,
    labelled: [...p.querySelectorAll('.p.x')].filter(x => x.title && x.querySelector('.why') && x.querySelector('.why').textContent.trim()).length,
  }));
  const links = [...document.querySelectorAll('[href]')].map(a => a.getAttribute('href'));
  return JSON.stringify({
    title: document.title,
    pages: pages.length,
    perPage,
    struck: perPage.reduce((n, p) => n + p.struck, 0),
    scripts: document.scripts.length,
    active: document.querySelectorAll('img,iframe,object,embed,link,base,form,frame,frameset,video,audio,source,meta[http-equiv=refresh],[src],[srcdoc],[onerror],[onload],[onclick],[style]').length,
    svgs: document.querySelectorAll('svg').length,
    badLinks: links.filter(h => !(h.startsWith('#') || /^https?:\/\//i.test(h))),
    pwned: typeof window.__pwned !== 'undefined',
    height: document.documentElement.scrollHeight,
  });
})()
"""

# A click on the "boilerplate" filter (a label of a radio input: CSS only)
# leaves only boilerplate paragraphs displayed; then back to all.
FILTER = r"""
(() => {
  const label = document.querySelector('label[for=r-boilerplate]');
  if (!label) return JSON.stringify({missing: true});
  label.click();
  const shown = [...document.querySelectorAll('section.page .p')].filter(p => getComputedStyle(p).display !== 'none');
  const result = {
    missing: false,
    shown: shown.length,
    others: shown.filter(p => !p.classList.contains('boilerplate')).length,
    boilerplate: document.querySelectorAll('section.page .p.boilerplate').length,
  };
  document.querySelector('label[for=r-all]').click();
  return JSON.stringify(result);
})()
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report")
    parser.add_argument("--summary", help="the run's RunRecord JSON (--summary of the binary)")
    parser.add_argument("--pages", type=int, help="pages the report must show")
    parser.add_argument("--screenshot", help="write a PNG of the report's first screens here")
    parser.add_argument(
        "--page-screenshot", help="write a PNG of the report around its first duplicate here"
    )
    parser.add_argument("--hostile", action="store_true", help="also check that nothing active survived")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    failures = []
    report = os.path.abspath(args.report)
    url = "file://" + report
    browser = Browser(args.chromium)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        browser.events.clear()
        started = time.monotonic()
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait_for("Page.loadEventFired", timeout=60)
        load_seconds = time.monotonic() - started
        # Let anything the page might start (it should start nothing) happen.
        deadline = time.monotonic() + 1.0
        browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
        while time.monotonic() < deadline:
            time.sleep(0.1)
            browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
        probe = json.loads(
            browser.send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=session)[
                "result"
            ]["value"]
        )
        shot = base64.b64decode(
            browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        )
        filtered = json.loads(
            browser.send("Runtime.evaluate", {"expression": FILTER, "returnByValue": True}, session=session)[
                "result"
            ]["value"]
        )
        if filtered["missing"]:
            failures.append("no filter by reason")
        elif filtered["others"] or filtered["shown"] != filtered["boilerplate"]:
            failures.append(f"filter by reason: {filtered}")
        page_shot = None
        if args.page_screenshot:
            # Scrolled to, as a reader would (pages off screen are laid out
            # only when they come near the viewport).
            browser.send(
                "Runtime.evaluate",
                {
                    "expression": "(() => { const s = document.querySelector('section.page .p.near_duplicate, section.page .p.exact_duplicate') || document.querySelector('section.page'); if (s) window.scrollTo(0, s.getBoundingClientRect().top + window.scrollY - 300); })()"
                },
                session=session,
            )
            for _ in range(5):
                time.sleep(0.1)
                browser.send("Runtime.evaluate", {"expression": "1"}, session=session)
            page_shot = base64.b64decode(
                browser.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
            )
        for event in browser.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                requested = params["request"]["url"]
                if requested != url:
                    failures.append(f"network request: {requested[:200]}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                failures.append(f"console error: {params['entry'].get('text', '')[:200]}")
            elif method == "Runtime.consoleAPICalled":
                failures.append(f"console {params['type']} from a script")
            elif method == "Runtime.exceptionThrown":
                failures.append("exception: " + params["exceptionDetails"].get("text", "")[:200])
            elif method == "Page.javascriptDialogOpening":
                failures.append("a dialog opened: " + params.get("message", "")[:200])
    finally:
        browser.close()

    if probe["title"] != "chaff audit":
        failures.append(f"title is {probe['title']!r}")
    if probe["scripts"]:
        failures.append(f"{probe['scripts']} script elements")
    if probe["pwned"]:
        failures.append("a script from the input ran")
    if probe["struck"] > 0 and probe["svgs"] < 1:
        failures.append("no bar chart")
    if args.pages is not None and probe["pages"] != args.pages:
        failures.append(f"{probe['pages']} pages shown, {args.pages} expected")
    for page in probe["perPage"]:
        if page["struck"] != page["dropped"] or page["labelled"] != page["dropped"]:
            failures.append(
                f"page {page['id']}: {page['dropped']} dropped, {page['struck']} struck through, {page['labelled']} labelled"
            )
    if args.summary:
        with open(args.summary) as f:
            summary = json.load(f)["summary"]
        expected = summary["paragraphs_in"] - summary["paragraphs_out"]
        if probe["struck"] != expected:
            failures.append(f"{probe['struck']} struck-through paragraphs, {expected} dropped in the run")
    if args.hostile:
        if probe["active"]:
            failures.append(f"{probe['active']} active elements or attributes")
        if probe["badLinks"]:
            failures.append(f"links outside the report and the web: {probe['badLinks'][:5]}")
    blank, colours, inked = screenshot_is_blank(shot)
    if blank:
        failures.append(f"blank screenshot ({colours} colours, {inked:.1%} inked)")
    if args.screenshot:
        with open(args.screenshot, "wb") as f:
            f.write(shot)
    if page_shot is not None:
        if screenshot_is_blank(page_shot)[0]:
            failures.append("blank screenshot of the first page with drops")
        with open(args.page_screenshot, "wb") as f:
            f.write(page_shot)

    print(
        f"audit_check: {probe['pages']} pages, {probe['struck']} struck-through paragraphs, "
        f"{colours} colours, {inked:.1%} inked, page height {probe['height']} px, "
        f"loaded in {load_seconds:.1f} s"
    )
    for failure in failures:
        print(f"audit_check: FAIL {failure}")
    print(f"{0 if failures else 1} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Drives headless Chromium (Debian's, through Playwright's Python package) for revo.

  drive.py probes < plan.json        runs browser probes, writes what the pages' scripts saw as JSON on stdout
  drive.py report REPORT.html DIR    opens an HTML report: console errors, charts drawn, one screenshot per scenario

Both print one JSON object; `report` exits 1 when the report has console errors or a chart that did not render.
The browser is the system's chromium (CHROMIUM or /usr/bin/chromium): nothing is downloaded at run time.
"""
import json
import os
import sys

from playwright.sync_api import sync_playwright

PROBE_TIMEOUT_MS = 15_000

FETCH = """async ({url, method, headers, body}) => {
  try {
    const response = await fetch(url, {method, headers, body: body ?? undefined});
    return {status: response.status, body: await response.text()};
  } catch (error) {
    return {error: String(error)};
  }
}"""

WEBSOCKET = """({url}) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  const messages = [];
  const timer = setTimeout(() => { resolve({error: "still open after 10 s", messages}); socket.close(); }, 10000);
  socket.onmessage = (event) => messages.push(String(event.data).slice(0, 300));
  socket.onclose = (event) => { clearTimeout(timer); resolve({close_code: event.code, close_reason: event.reason, messages}); };
})"""

# The web client's own flow, through its module: register, log in, chat, a streamed reply, a refresh, chat again.
SESSION = """async ({api, username}) => {
  const {RevoClient} = await import("/api.js");
  const client = new RevoClient(api);
  const steps = [];
  try {
    await client.register(username, "correct horse battery");
    steps.push("registered " + username);
    client.logout();
    await client.login(username, "correct horse battery");
    steps.push("logged in");
    const answer = await client.chat("hello from the browser");
    steps.push("chat answered by " + answer.provider);
    let pieces = 0;
    const streamed = await client.stream("stream a reply to the browser", {onToken: () => { pieces += 1; }});
    if (pieces === 0 || streamed.content.length === 0) throw new Error("the stream delivered no tokens");
    steps.push(`streamed ${pieces} tokens from ${streamed.provider}`);
    client.refreshMargin = 1e9;  // as if the access token were about to expire: the next call refreshes first
    const after = await client.chat("and after a refresh");
    client.refreshMargin = 60;
    if (client.refreshes !== 1) throw new Error(`expected one refresh before the call, saw ${client.refreshes}`);
    steps.push("refreshed the access token, then chat answered by " + after.provider);
    return {ok: true, steps};
  } catch (error) {
    return {ok: false, steps, error: `${error.name}: ${error.message}` + (error.status !== undefined ? ` (status ${error.status})` : "")};
  }
}"""


def launch(playwright):
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        raise SystemExit(json.dumps({"error": f"no browser at {executable}: install Debian's chromium (ci/setup does)"}))
    return playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])


def run_probe(page, probe, plan):
    api = plan["api"]
    token = plan["tokens"].get(probe.get("token") or "none")
    kind = probe["kind"]
    if kind == "fetch":
        headers = {}
        if token:
            headers["authorization"] = "Bearer " + token
        if probe.get("body") is not None:
            headers["content-type"] = "application/json"
        return page.evaluate(FETCH, {"url": api + probe["path"], "method": probe["method"], "headers": headers, "body": probe.get("body")})
    if kind == "websocket":
        url = api.replace("http", "ws", 1) + probe["path"] + (("?token=" + token) if token else "")
        return page.evaluate(WEBSOCKET, {"url": url})
    if kind == "session":
        return page.evaluate(SESSION, {"api": api, "username": probe["username"]})
    return {"error": f"unknown probe kind {kind}"}


def probes():
    plan = json.load(sys.stdin)
    results = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for probe in plan["probes"]:
            page = browser.new_page()
            page.set_default_timeout(PROBE_TIMEOUT_MS)
            console = []
            page.on("console", lambda message, console=console: console.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error, console=console: console.append(f"pageerror: {error}"))
            origin = plan["pages"][probe.get("origin") or "allowed"]
            try:
                page.goto(origin + "?api=" + plan["api"], wait_until="load")
                result = run_probe(page, probe, plan)
            except Exception as error:  # a page that would not load or a script that threw: reported, not raised
                result = {"error": f"{type(error).__name__}: {error}".splitlines()[0]}
            result["name"] = probe["name"]
            result["page"] = origin
            result["console"] = console[:20]
            results.append(result)
            page.close()
        browser.close()
    json.dump({"results": results}, sys.stdout)


CHARTS = """() => [...document.querySelectorAll("section.scenario")].map((section) => ({
  scenario: section.dataset.scenario,
  charts: [...section.querySelectorAll("svg[role=img]")].map((svg) => {
    const box = svg.getBoundingClientRect();
    return {label: svg.getAttribute("aria-label"), width: box.width, height: box.height,
            marks: svg.querySelectorAll("path, polyline, rect, circle, line").length};
  }),
}))"""


def report(html, folder):
    os.makedirs(folder, exist_ok=True)
    errors = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("file://" + os.path.abspath(html), wait_until="load")
        scenarios = page.evaluate(CHARTS)
        for index, section in enumerate(page.query_selector_all("section.scenario")):
            name = scenarios[index]["scenario"]
            section.screenshot(path=os.path.join(folder, f"{name}.png"))
            scenarios[index]["screenshot"] = os.path.join(folder, f"{name}.png")
        browser.close()
    blank = [f"{s['scenario']}: {c['label']}" for s in scenarios for c in s["charts"] if c["width"] == 0 or c["height"] == 0 or c["marks"] == 0]
    missing = [s["scenario"] for s in scenarios if not s["charts"]]
    problems = [f"console error: {e}" for e in errors] + [f"chart not drawn: {b}" for b in blank] + [f"no chart: {m}" for m in missing]
    if not scenarios:
        problems.append("no scenario section found")
    json.dump({"scenarios": scenarios, "problems": problems}, sys.stdout, indent=1)
    print()
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "probes":
        probes()
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        sys.exit(report(sys.argv[2], sys.argv[3]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)

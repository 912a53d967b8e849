#!/usr/bin/env python3
"""Mutation testing of the scenario gate.

Each mutation below plants one bug, named after a real one (the original reVoAgent's, those LiteLLM users
reported, or Revo's own), in a scratch copy of the sources. The copy is rebuilt incrementally and the gate runs:
first the scenarios that should catch the bug, then, if none did, the rest of the library. A mutation is caught
when a scenario fails (and by which checks), missed when every scenario passes. A few bugs only a real server or
a test can see are judged by a live scenario or a test suite instead.

Writes Reports/mutants/report.md and report.json; exits 1 when a mutation was missed or did not apply.
Usage: ci/mutants [--only ID,ID...] [--list]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRATCH = os.path.join(ROOT, ".build-mutants")
OUT = os.path.join(ROOT, "Reports", "mutants")

CORE = "Sources/RevoCore/"
SERVER = "Sources/RevoServer/"

# id, where the bug comes from, the edits (file, text, replacement: the text must occur exactly once), and how it is
# judged: the scenarios to run first (sim), or a live scenario, or a test filter.
MUTATIONS = [
    dict(id="mock-answers-first", origin="reVoAgent: the mock was first in the model list and answered everything",
         edits=[(CORE + "Routing/RoutingPolicy.swift", "return withoutMocks + mocksToAppend", "return mocksToAppend + withoutMocks")],
         first=["baseline-healthy", "missing-transformers"]),
    dict(id="health-always-healthy", origin="reVoAgent: /health said healthy whatever the services said",
         edits=[(CORE + "Health/HealthReport.swift", "static func overall(_ services: [Entry]) -> HealthStatus {",
                 "static func overall(_ services: [Entry]) -> HealthStatus {\n        if !services.isEmpty { return .healthy }")],
         first=["redis-outage", "postgres-outage"]),
    dict(id="cors-star-with-credentials", origin="reVoAgent: CORS allowed every origin with credentials",
         edits=[(SERVER + "CORSPolicy.swift", "return allowedOrigins.contains(origin) ? .allowed(origin) : .rejected(origin)", "return .allowed(origin)"),
                (SERVER + "CORSPolicy.swift", "response.headers[.accessControlAllowOrigin] = origin", "response.headers[.accessControlAllowOrigin] = \"*\"")],
         first=["frontend-integration"]),
    dict(id="default-jwt-secret", origin="reVoAgent: a hard-coded JWT secret when none was configured",
         edits=[("Sources/revo/ServeCommand.swift", "if !dev {\n            guard try secretFromConfiguration() != nil else {",
                 "if false {\n            guard try secretFromConfiguration() != nil else {"),
                ("Sources/revo/ServeCommand.swift", "        } else {\n            secret = JWTSecret.generate()",
                 "        } else if !dev {\n            secret = try JWTSecret(Array(\"fallback-secret-key-of-the-original\".utf8))\n        } else {\n            secret = JWTSecret.generate()")],
         test="ServeCommandTests"),
    dict(id="database-outage-fails-chat", origin="reVoAgent: a database outage answered chat with 500s",
         edits=[(CORE + "Chat/ChatService.swift",
                 "history = await conversationGuard.call { try await conversations.messages(conversationID: conversationID, limit: limit) } ?? []",
                 "guard let read = await conversationGuard.call({ try await conversations.messages(conversationID: conversationID, limit: limit) }) else {\n                    throw .dependencyUnavailable(service: \"database\", reason: \"history unavailable\")\n                }\n                history = read")],
         first=["postgres-outage"]),
    dict(id="fallback-after-first-token", origin="LiteLLM #40404: a stream cut after some tokens falls back and repeats the text",
         edits=[(CORE + "Routing/ModelManager.swift", "if deliveredTokens > 0 {", "if deliveredTokens > 0, false {")],
         first=["websocket-drops"]),
    dict(id="second-failure-keeps-cooldown", origin="LiteLLM #40130: a failed half-open probe does not extend the cooldown",
         edits=[(CORE + "Routing/CircuitBreaker.swift", "open(until: now + settings.cooldown, reason: \"circuit open: half-open probe failed: \\(error)\")",
                 "open(until: now, reason: \"circuit open: half-open probe failed: \\(error)\")")],
         first=["api-outage-timeouts", "all-providers-down"]),
    dict(id="retry-after-ignored", origin="LiteLLM and Portkey users: Retry-After ignored, the provider called again too soon",
         edits=[(CORE + "Routing/ModelManager.swift", "let until = now + (retryAfter ?? settings.rateLimitCooldown)", "let until = now + settings.rateLimitCooldown")],
         first=["api-rate-limited"]),
    dict(id="context-window-error-unrecognised", origin="LiteLLM #10793: a context-length error not recognised, so no context-window fallback",
         edits=[(CORE + "Routing/ModelManager.swift", "case .contextTooLong, .contentPolicy, .invalidRequest:", "case .contentPolicy, .invalidRequest:")],
         first=["context-window-fallback"]),
    dict(id="outbox-drops-a-write", origin="Revo: a write acknowledged as in the outbox that the outbox never kept",
         edits=[(CORE + "Memory/MemoryManager.swift", "_ = try await outbox.append(entry)", "_ = try await outbox.count()")],
         first=["memory-service-down", "postgres-outage"]),
    dict(id="breakers-never-open", origin="Revo: circuit breakers that never open",
         edits=[(CORE + "Routing/CircuitBreaker.swift", "public mutating func recordFailure(_ error: ProviderError, at now: Duration) {\n        guard settings.enabled else { return }",
                 "public mutating func recordFailure(_ error: ProviderError, at now: Duration) {\n        guard !settings.enabled else { return }")],
         first=["llama-cuda-oom-under-load", "api-outage-timeouts"]),
    dict(id="stale-reply-disabled", origin="Revo: the stale reply never stands in when every provider fails",
         edits=[(CORE + "Chat/ChatService.swift", "if let earlier { return reply(from: earlier, requestID: requestID, start: start, stale: true) }", "_ = earlier")],
         first=["all-providers-down"]),
    dict(id="rate-limit-off", origin="Revo: the per-client rate limit lets everything through",
         edits=[(SERVER + "RateLimiter.swift", "if bucket.tokens >= 1 {", "if bucket.tokens >= 1 || true {")],
         first=["rate-limit-per-client"]),
    dict(id="reply-freshness-ignored", origin="Revo: a cached reply's TTL ignored, so it is served fresh forever",
         edits=[(CORE + "Chat/ChatService.swift", "now < .nanoseconds(storedAt) + ttl", "now >= .zero || ttl > .zero")],
         first=["all-providers-down"]),
    dict(id="history-from-another-conversation", origin="Revo: conversation ids not scoped to the user, so history comes from another user's conversation",
         edits=[(SERVER + "Auth/ChatRequest+Scope.swift",
                 "scoped.conversationID = try conversationID.map { id throws(ChatError) in try Self.scope(id, field: \"conversation_id\", to: identity) }",
                 "scoped.conversationID = try conversationID.map { id throws(ChatError) in try Self.scope(id, field: \"conversation_id\", to: nil) }")],
         first=["baseline-healthy", "postgres-outage"]),
    dict(id="expired-websocket-token-accepted", origin="Revo: a WebSocket opened with an expired token is served",
         edits=[(SERVER + "WebSocket/ChatSocket.swift",
                 "if let token = Self.upgradeToken(request) { return try await tokens.verify(token, as: .access) }",
                 "if let token = Self.upgradeToken(request) {\n            return (try? await tokens.verify(token, as: .access)) ?? TokenService.Identity(userID: \"anyone\", username: \"anyone\", expiresAt: .distantFuture)\n        }")],
         first=["frontend-integration"]),
    dict(id="cost-cap-ignored", origin="reVoAgent's cost policy: the daily cap on cloud spend not enforced",
         edits=[(CORE + "Routing/ModelManager.swift", "if descriptor.isCloud, s.costs.spentToday(at: now) >= capUSD {", "if descriptor.isCloud, s.costs.spentToday(at: now) >= capUSD * 1_000 {")],
         first=["cloud-cost-cap"]),
    dict(id="resource-rules-skipped", origin="reVoAgent: models started without checking the machine's RAM and GPU",
         edits=[(CORE + "Routing/ModelManager.swift", "if let unmet = descriptor.requirement.unmetReason(on: machine) {", "if let unmet = Optional<String>.none {")],
         first=["deepseek-oom-on-load"]),
    dict(id="unknown-fields-ignored", origin="Revo: a misspelt field in a request body silently ignored",
         edits=[(SERVER + "JSON/JSONObject.swift", "guard let unknown = members.first(where: { !keys.contains($0.key) }) else { return }",
                 "guard let unknown = members.first(where: { _ in false }) else { return }")],
         first=["baseline-healthy"]),
    dict(id="token-signature-unchecked", origin="Revo: a token whose signature does not verify is accepted",
         edits=[(SERVER + "Auth/TokenService.swift", "} catch let error as JWTError where error.errorType == .signatureVerificationFailed {\n            throw .badSignature",
                 "} catch let error as JWTError where error.errorType == .signatureVerificationFailed {\n            _ = error\n            guard let unverified = try? await keys.unverified(token, as: TokenPayload.self) else { throw .badSignature }\n            payload = unverified")],
         first=["baseline-healthy", "postgres-outage"]),
    dict(id="refresh-token-as-access", origin="Revo: a refresh token accepted where an access token is due",
         edits=[(SERVER + "Auth/TokenService.swift", "guard payload.typ == kind.rawValue else {", "guard payload.typ == kind.rawValue || true else {")],
         first=["baseline-healthy"]),
    dict(id="request-deadline-ignored", origin="reVoAgent: requests hung past any deadline when providers hung",
         edits=[(CORE + "Routing/ModelManager.swift", "let attemptDeadline = min(deadline, attemptStart + policy.attemptTimeout)", "let attemptDeadline = attemptStart + policy.attemptTimeout")],
         first=["all-providers-down", "api-outage-timeouts"]),
    dict(id="readiness-ignores-database", origin="reVoAgent: ready while the database was still down",
         edits=[(CORE + "System/RevoSystem.swift", "readinessRequires: [Service] = [.database, .models],", "readinessRequires: [Service] = [.models],")],
         first=["postgres-down-at-startup"]),
    dict(id="memory-fallback-unused", origin="reVoAgent: memory calls failed while Cognee was down",
         edits=[(CORE + "Memory/MemoryManager.swift", "return (try await fallback.search(query), .fallback)", "throw StoreError.unavailable(\"memory service down\")")],
         first=["memory-service-down"]),
    dict(id="cache-timeout-ignored", origin="reVoAgent: a hung Redis stalled every request",
         edits=[(CORE + "System/RevoSystem.swift", "GuardedCache($0, timeout: configuration.cacheTimeout, clock: clock)", "GuardedCache($0, timeout: .seconds(3600), clock: clock)")],
         first=["redis-outage"]),
    dict(id="parallel-mind-never-grows", origin="reVoAgent: Parallel Mind never added workers under load",
         edits=[(CORE + "Engines/ParallelMindEngine.swift", "if load > settings.scaleUpAbove, count < settings.maxWorkers {", "if load > 1_000, count < settings.maxWorkers {")],
         first=["engine-failure"]),
    dict(id="resend-stored-twice", origin="reVoAgent: WebSocket resends after a dropped connection stored the message twice",
         edits=[(CORE + "Chat/ChatService.swift", "let key = request.messageID.map { \"\\(conversationID)/\\($0)\" } ?? Self.mintedKey(at: now, requestID: requestID)",
                 "let key = Self.mintedKey(at: now, requestID: requestID)")],
         first=["websocket-drops"]),
    dict(id="interruption-miscounts-tokens", origin="Revo: an interrupted stream reports more than it delivered",
         edits=[(SERVER + "WebSocket/ChatSocket.swift", "event.deliveredTokens = interruption.deliveredTokens", "event.deliveredTokens = interruption.deliveredTokens + 1")],
         first=["websocket-drops"]),
    dict(id="models-never-reprobed", origin="reVoAgent: a model that failed to load stayed unavailable until a restart",
         edits=[(CORE + "System/RevoSystem.swift", "        models.startReprobing(with: starter)\n", "")],
         first=["deepseek-oom-on-load"]),
    dict(id="outbox-never-replays", origin="Revo: writes kept in the outbox never reach the memory store",
         edits=[(CORE + "System/RevoSystem.swift", "        memory.startReplaying(with: starter)\n", "")],
         first=["memory-service-down", "postgres-outage"]),
    dict(id="circuit-never-closes", origin="Revo: a successful half-open probe leaves the circuit open",
         edits=[(CORE + "Routing/CircuitBreaker.swift", "        case .halfOpen:\n            state = .closed\n            outcomes.removeAll()",
                 "        case .halfOpen:\n            state = .open(until: now + settings.cooldown, reason: \"never closes\")\n            outcomes.removeAll()")],
         first=["api-outage-timeouts", "llama-cuda-oom-under-load"]),
]

SLOW = ["soak-24h"]


class Heartbeat:
    """What is running now, said every 30 s (rewritten in place on a terminal, every 2 s): a mutation's build and
    gate take minutes, and a silent log looks hung."""

    def __init__(self):
        self.what, self.since, self.lock = None, 0.0, threading.Lock()
        self.terminal = sys.stderr.isatty() and "CI" not in os.environ
        threading.Thread(target=self.beat, daemon=True).start()

    def doing(self, what):
        with self.lock:
            self.what, self.since = what, time.time()

    def beat(self):
        while True:
            time.sleep(2 if self.terminal else 30)
            with self.lock:
                if self.what is None:
                    continue
                line = f"  ... {self.what} for {round(time.time() - self.since)} s"
            if self.terminal:
                print("\r\033[2K" + line[:150], end="", file=sys.stderr, flush=True)
            else:
                print(line, file=sys.stderr, flush=True)


HEARTBEAT = Heartbeat()
CURRENT_MUTATION = ["the unmutated build"]


def run(command, cwd, log, timeout=3600):
    step = "build" if command[:2] == ["swift", "build"] else "tests" if command[:2] == ["swift", "test"] else "scenario gate"
    HEARTBEAT.doing(f"{CURRENT_MUTATION[0]}: {step} ({' '.join(command[:4])})")
    with open(log, "a") as out:
        out.write("\n$ " + " ".join(command) + "\n")
        out.flush()
        try:
            return subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
        finally:
            HEARTBEAT.doing(None)


def sync():
    """The sources into the scratch copy, file times kept, so its build stays incremental from run to run."""
    src = os.path.join(SCRATCH, "src")
    os.makedirs(src, exist_ok=True)
    for folder in ["Sources", "Tests", "Scenarios"]:
        shutil.rmtree(os.path.join(src, folder), ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, folder), os.path.join(src, folder))
    shutil.copy2(os.path.join(ROOT, "Package.swift"), os.path.join(src, "Package.swift"))
    os.makedirs(os.path.join(src, "Reports"), exist_ok=True)


def apply(mutation):
    """Applies the edits; returns what is wrong with one that no longer matches the sources, or None."""
    for path, text, replacement in mutation["edits"]:
        target = os.path.join(SCRATCH, "src", path)
        source = open(target).read()
        count = source.count(text)
        if count != 1:
            return f"{path}: the text to mutate occurs {count} times (expected once): {text[:80]!r}"
        open(target, "w").write(source.replace(text, replacement))
    return None


def restore(mutation):
    for path, _, _ in mutation["edits"]:
        shutil.copy2(os.path.join(ROOT, path), os.path.join(SCRATCH, "src", path))


def scenarios():
    folder = os.path.join(ROOT, "Scenarios")
    return sorted(name[:-5] for name in os.listdir(folder) if name.endswith(".yaml"))


def gate(names, log, mode="sim"):
    """Runs scenarios on the mutated build; returns [(scenario, [failing checks])] for those that failed."""
    src = os.path.join(SCRATCH, "src")
    out = os.path.join(SCRATCH, "run")
    shutil.rmtree(out, ignore_errors=True)
    files = [os.path.join("Scenarios", name + ".yaml") for name in names]
    command = [".build/debug/revo", "run", "--jobs", "2", "--out", out] + files
    if mode == "live":
        command[2:2] = ["--mode", "live", "--time-scale", "0.25"]
    code = run(command, src, log)
    try:
        report = json.load(open(os.path.join(out, "report.json")))
    except (OSError, ValueError):
        return [("(all)", [f"revo run exited {code} without a report"])]
    failed = []
    for scenario in report["scenarios"]:
        if scenario["verdict"] == "FAIL":
            failed.append((scenario["scenario"], [c["check"] for c in scenario["checks"] if c["verdict"] == "FAIL"]))
    return failed


def judge(mutation, log):
    if "test" in mutation:
        if run(["swift", "build", "--build-tests"], os.path.join(SCRATCH, "src"), log) != 0:
            return "broken", "the tests do not build", []
        code = run(["swift", "test", "--skip-build", "--disable-xctest", "--filter", mutation["test"]], os.path.join(SCRATCH, "src"), log)
        return ("caught", f"test {mutation['test']}", []) if code != 0 else ("missed", f"test {mutation['test']} passed", [])
    if run(["swift", "build", "--product", "revo"], os.path.join(SCRATCH, "src"), log) != 0:
        return "broken", "does not build", []
    first = mutation.get("first", [])
    failed = gate(first, log, mutation.get("mode", "sim")) if first else []
    if not failed:
        rest = [name for name in scenarios() if name not in first and name not in SLOW]
        failed = gate(rest, log)
    if failed:
        return "caught", ", ".join(name for name, _ in failed), failed
    return "missed", "every scenario passed", []


def main():
    parser = argparse.ArgumentParser(description="Mutation testing of the scenario gate.")
    parser.add_argument("--only", help="comma-separated mutation ids")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    args = parser.parse_args()
    selected = MUTATIONS
    if args.only:
        wanted = args.only.split(",")
        unknown = [i for i in wanted if i not in [m["id"] for m in MUTATIONS]]
        if unknown:
            sys.exit(f"ci/mutants: unknown mutation(s): {', '.join(unknown)}; --list shows them")
        selected = [m for m in MUTATIONS if m["id"] in wanted]
    if args.list:
        for m in MUTATIONS:
            print(f"{m['id']:38} {m['origin']}")
        return 0

    os.makedirs(OUT, exist_ok=True)
    log = os.path.join(OUT, "build-and-run.log")
    open(log, "w").close()
    started = time.time()
    print(f"ci/mutants: {len(selected)} mutation(s); scratch copy in {SCRATCH} (log: {log})", flush=True)
    sync()
    if run(["swift", "build", "--product", "revo"], os.path.join(SCRATCH, "src"), log) != 0:
        sys.exit("ci/mutants: the unmutated sources do not build; see the log")
    results = []
    for index, mutation in enumerate(selected, 1):
        began = time.time()
        CURRENT_MUTATION[0] = f"[{index}/{len(selected)}] {mutation['id']}"
        problem = apply(mutation)
        if problem:
            verdict, detail, failed = "broken", problem, []
        else:
            verdict, detail, failed = judge(mutation, log)
        restore(mutation)
        seconds = round(time.time() - began)
        results.append(dict(id=mutation["id"], origin=mutation["origin"], verdict=verdict, detail=detail,
                            failed=[dict(scenario=s, checks=c) for s, c in failed], seconds=seconds))
        if HEARTBEAT.terminal:
            print("\r\033[2K", end="", file=sys.stderr, flush=True)
        print(f"[{index}/{len(selected)}] {mutation['id']}: {verdict.upper()} ({detail}) in {seconds} s "
              f"[{round(time.time() - started)} s elapsed]", flush=True)
    # Leave the scratch build unmutated for the next run.
    run(["swift", "build", "--product", "revo"], os.path.join(SCRATCH, "src"), log)

    caught = sum(1 for r in results if r["verdict"] == "caught")
    summary = dict(mutations=len(results), caught=caught, seconds=round(time.time() - started), results=results)
    json.dump(summary, open(os.path.join(OUT, "report.json"), "w"), indent=2)
    lines = ["# Mutation testing of the scenario gate", "",
             f"{caught} of {len(results)} mutations caught in {summary['seconds']} s.", "",
             "| mutation | real bug | verdict | caught by |", "|---|---|---|---|"]
    for r in results:
        by = "; ".join(f"{f['scenario']}: {', '.join(f['checks'][:3])}" for f in r["failed"]) or r["detail"]
        lines.append(f"| `{r['id']}` | {r['origin']} | {r['verdict']} | {by} |")
    open(os.path.join(OUT, "report.md"), "w").write("\n".join(lines) + "\n")
    print(f"ci/mutants: {caught} of {len(results)} caught in {summary['seconds']} s; report in {OUT}/report.md")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())

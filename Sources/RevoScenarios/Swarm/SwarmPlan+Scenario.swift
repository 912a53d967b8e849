extension SwarmPlan {
    /// The plan as a scenario file: what `revo run` reads to reproduce it. `note` goes in the description.
    public func scenarioYAML(name: String, note: String) -> String {
        var lines = [
            "name: \(name)",
            "description: >",
            "  \(note)",
            "seed: \(systemSeed)",
            "duration: \(SwarmFormat.seconds(durationSeconds))",
        ]
        if let system, !system.isEmpty {
            lines.append("system:")
            lines += system.split(separator: "\n", omittingEmptySubsequences: true).map { "  " + $0 }
        }
        lines += [
            "workload:",
            "  rate: \(SwarmFormat.number(rate))/s",
            "  mix: {" + mix.map { "\($0.operation.rawValue): \($0.weight)" }.joined(separator: ", ") + "}",
        ]
        if badInput > 0 {
            // A login is decided by the account store: while the database is faulted, 503 is its right answer.
            let databaseFaulted = faults.contains { $0.target == "database" }
            let share = SwarmFormat.number(badInput)
            lines.append(databaseFaulted ? "  bad_input: {share: \(share), except: [wrong_password]}" : "  bad_input: \(share)")
        }
        if !faults.isEmpty {
            lines.append("faults:")
            lines += faults.map { "  - " + Self.yaml($0) }
        }
        lines.append("checks:")
        lines += properties.compactMap { $0.check(for: self) }.map { "  - " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func yaml(_ fault: Fault) -> String {
        var fields = ["id: \(fault.id)", "what: \(fault.what)", "where: \(fault.target)"]
        if let code = fault.code { fields.append("code: \(code)") }
        if let latency = fault.latencyMilliseconds { fields.append("latency: \(SwarmFormat.milliseconds(latency))") }
        if let rate = fault.errorRate { fields.append("rate: \(SwarmFormat.number(rate))") }
        if let retryAfter = fault.retryAfterSeconds { fields.append("retry_after: \(SwarmFormat.seconds(retryAfter))") }
        if let status = fault.status { fields.append("status: \(status)") }
        if let tokens = fault.afterTokens { fields.append("after_tokens: \(tokens)") }
        fields.append("at: \(SwarmFormat.seconds(fault.atSeconds))")
        if let length = fault.lengthSeconds { fields.append("for: \(SwarmFormat.seconds(length))") }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

import RevoCore

extension DecisionTrace {
    /// The `x-revo-attempted` header's value: the providers actually called, in order, without repeats,
    /// comma-separated. Written into one string, so a chat answered by its first provider makes no list for it.
    var attemptedHeaderValue: String {
        var value = ""
        for (index, step) in steps.enumerated() where step.wasCalled {
            guard !steps[..<index].contains(where: { $0.wasCalled && $0.provider == step.provider }) else { continue }
            if !value.isEmpty { value.append(",") }
            value.append(step.provider.rawValue)
        }
        return value
    }
}

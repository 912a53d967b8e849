/// Values as a scenario file writes them, so a drawn or shrunk plan reads like one a person wrote.
enum SwarmFormat {
    /// A scenario name (lower-case letters, digits and dashes) made from any text.
    static func scenarioName(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber ? $0 : "-" })
    }

    /// `45s`, `5m`, `2m30s`.
    static func seconds(_ total: Int) -> String {
        switch (total / 60, total % 60) {
        case (0, let seconds): "\(seconds)s"
        case (let minutes, 0): "\(minutes)m"
        case (let minutes, let seconds): "\(minutes)m\(seconds)s"
        }
    }

    /// `250ms`, `2s`.
    static func milliseconds(_ total: Int) -> String {
        total % 1000 == 0 ? "\(total / 1000)s" : "\(total)ms"
    }

    /// A number with at most `places` decimals and no trailing zeros: `3.25`, `4`.
    static func number(_ value: Double, places: Int = 3) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}

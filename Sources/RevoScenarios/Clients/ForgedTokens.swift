import Foundation

/// Tokens a careless or hostile client sends, made from a valid one: what the token check must refuse.
enum ForgedTokens {
    /// The payload changed after signing: a character in its middle flipped, the signature left as it was.
    static func tampered(_ token: String) -> String {
        var parts = token.split(separator: ".").map(String.init)
        guard parts.count == 3, parts[1].count > 4 else { return token }
        var payload = Array(parts[1])
        let middle = payload.count / 2
        payload[middle] = payload[middle] == "A" ? "B" : "A"
        parts[1] = String(payload)
        return parts.joined(separator: ".")
    }

    /// The same claims under `alg: none`, with no signature.
    static func unsigned(_ token: String) -> String {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return token }
        let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return "\(header).\(parts[1])."
    }
}

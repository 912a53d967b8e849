/// The HS256 signing secret: at least 32 bytes (HMAC-SHA256's output size; JWTKit traps on shorter keys), never a
/// built-in default.
public struct JWTSecret: Sendable {
    public static let minimumBytes = 32

    public struct TooShort: Error, Sendable, CustomStringConvertible {
        public var length: Int
        public var description: String {
            "the JWT secret is \(length) bytes; HS256 needs at least \(JWTSecret.minimumBytes) (for example: openssl rand -base64 48)"
        }
    }

    let bytes: [UInt8]

    public init(_ bytes: some Sequence<UInt8>) throws(TooShort) {
        let bytes = Array(bytes)
        guard bytes.count >= Self.minimumBytes else { throw TooShort(length: bytes.count) }
        self.bytes = bytes
    }

    /// A fresh random secret for development: tokens stop verifying when the process ends, which is what
    /// development wants and production must not have.
    public static func generate() -> JWTSecret {
        var generator = SystemRandomNumberGenerator()
        // 64 bytes: the HMAC-SHA256 block size, the most that key material can use.
        return try! JWTSecret((0..<64).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}

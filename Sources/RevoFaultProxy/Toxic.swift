/// One toxic on a proxy, in Toxiproxy's JSON shape, plus Revo's `duration_ms` for toxics that remove themselves.
public struct Toxic: Sendable, Equatable, Codable {
    public var name: String
    public var type: String
    public var stream: ToxicStream
    /// The probability that the toxic acts on a given connection (drawn from the proxy's seed).
    public var toxicity: Double
    public var attributes: ToxicAttributes
    /// When set, the toxic is removed this many milliseconds after it was added.
    public var durationMilliseconds: Int?

    /// The checked form of ``type`` and ``attributes``.
    public let kind: ToxicKind

    enum CodingKeys: String, CodingKey {
        case name, type, stream, toxicity, attributes
        case durationMilliseconds = "duration_ms"
    }

    public init(
        name: String? = nil,
        type: String,
        stream: ToxicStream = .downstream,
        toxicity: Double = 1,
        attributes: ToxicAttributes = ToxicAttributes(),
        durationMilliseconds: Int? = nil
    ) throws(ToxicError) {
        let kind = try ToxicKind.parse(type: type, attributes: attributes)
        guard (0...1).contains(toxicity) else { throw .invalidField("toxicity", "must be between 0 and 1, got \(toxicity)") }
        if let durationMilliseconds, durationMilliseconds <= 0 {
            throw .invalidField("duration_ms", "must be positive, got \(durationMilliseconds)")
        }
        // Protocol-aware toxics read requests, which only travel upstream.
        let stream = kind.isProtocolAware ? .upstream : stream
        let name = name ?? "\(type)_\(stream.rawValue)"
        guard !name.isEmpty, !name.contains("/") else { throw .invalidField("name", "must be non-empty without '/'") }
        self.name = name
        self.type = type
        self.stream = stream
        self.toxicity = toxicity
        self.attributes = attributes
        self.durationMilliseconds = durationMilliseconds
        self.kind = kind
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        try self.init(
            name: try container.decodeIfPresent(String.self, forKey: .name),
            type: type,
            stream: try container.decodeIfPresent(ToxicStream.self, forKey: .stream) ?? .downstream,
            toxicity: try container.decodeIfPresent(Double.self, forKey: .toxicity) ?? 1,
            attributes: try container.decodeIfPresent(ToxicAttributes.self, forKey: .attributes) ?? ToxicAttributes(),
            durationMilliseconds: try container.decodeIfPresent(Int.self, forKey: .durationMilliseconds)
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(type, forKey: .type)
        try container.encode(stream, forKey: .stream)
        try container.encode(toxicity, forKey: .toxicity)
        try container.encode(attributes, forKey: .attributes)
        try container.encodeIfPresent(durationMilliseconds, forKey: .durationMilliseconds)
    }

    /// This toxic with an update's attributes and toxicity applied (Toxiproxy's POST /proxies/{p}/toxics/{t}).
    func updated(with update: ToxicUpdate) throws(ToxicError) -> Toxic {
        try Toxic(
            name: name,
            type: type,
            stream: stream,
            toxicity: update.toxicity ?? toxicity,
            attributes: attributes.merging(update.attributes ?? ToxicAttributes()),
            durationMilliseconds: update.durationMilliseconds ?? durationMilliseconds
        )
    }
}

/// The body of a toxic update: only what changes.
public struct ToxicUpdate: Sendable, Codable {
    public var toxicity: Double?
    public var attributes: ToxicAttributes?
    public var durationMilliseconds: Int?

    enum CodingKeys: String, CodingKey {
        case toxicity, attributes
        case durationMilliseconds = "duration_ms"
    }
}

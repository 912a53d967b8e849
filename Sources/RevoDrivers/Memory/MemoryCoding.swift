import Foundation

/// How memory fields are laid out in a table: metadata as sorted JSON, embeddings as little-endian Float32 bytes.
enum MemoryCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func metadata(_ values: [String: String]) throws -> String {
        String(decoding: try encoder.encode(values), as: UTF8.self)
    }

    static func metadata(_ text: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    static func bytes(_ embedding: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(embedding.count * 4)
        for value in embedding { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }

    static func embedding(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }
}

/// A series drawn in eight block characters, lowest to highest, as a trend reads in a table cell.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value scaled between the series' minimum and maximum; a flat series is a flat middle line.
    public static func draw(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        guard high > low else { return String(repeating: blocks[3], count: values.count) }
        let top = Double(blocks.count - 1)
        return String(values.map { blocks[Int(((($0 - low) / (high - low)) * top).rounded())] })
    }
}

import Foundation

/// Where revo's files that are not compiled in live: the web client (`web/`) and the browser driver (`browser/`).
public enum WebRoot {
    /// The web client's folder: `web/` in the working directory, in the checkout revo was built in
    /// (`.build/<triple>/<config>/revo`), or in `share/revo/web` of an installation prefix.
    public static func locate() -> String? {
        installed("web").first(where: holdsClient)
    }

    public static func holdsClient(_ folder: String) -> Bool {
        ["index.html", "api.js", "app.js"].allSatisfy { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    }

    /// `relative` under the working directory, the checkout, or `share/revo`, most local first; only those that exist.
    public static func installed(_ relative: String) -> [String] {
        var candidates = [FileManager.default.currentDirectoryPath + "/" + relative]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("../share/revo/" + relative).standardized.path)
            for _ in 0..<4 {
                folder = folder.deletingLastPathComponent()
                candidates.append(folder.appendingPathComponent(relative).path)
            }
        }
        return candidates.filter { FileManager.default.fileExists(atPath: $0) }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Prometheus' standard process metrics (the names every client library exports): resident and virtual memory, CPU
/// seconds, start time, open and maximum descriptors. Read from `/proc` at scrape time; empty where there is none.
enum ProcessMetrics {
    static func text() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return "" }
        // Fields after the command name, which may hold spaces: state is field 3, so index 0 here is field 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double { fields.count > number - 3 ? Double(fields[number - 3]) ?? 0 : 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let page = Double(sysconf(Int32(_SC_PAGESIZE)))
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let openDescriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        let metrics: [(String, String, String, Double)] = [
            ("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (field(14) + field(15)) / ticks),
            ("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", bootTime() + field(22) / ticks),
            ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * page),
            ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23)),
            ("process_open_fds", "gauge", "Number of open file descriptors.", Double(max(0, openDescriptors - 1))),
            ("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur)),
        ]
        return metrics.map { name, type, help, value in
            "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(format(value))\n"
        }.joined()
    }

    /// When the machine booted, in seconds since the epoch (`btime` of `/proc/stat`): process start times count from it.
    private static func bootTime() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return 0 }
        let line = text.split(separator: "\n").first { $0.hasPrefix("btime ") }
        return line.flatMap { Double($0.dropFirst("btime ".count)) } ?? 0
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

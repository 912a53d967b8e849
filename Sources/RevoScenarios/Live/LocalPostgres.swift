import Foundation

/// A throwaway PostgreSQL server: initdb in a temporary folder, on a free loopback port, trust authentication.
/// ``stop()`` is a real outage (`pg_ctl stop -m fast`: clients get `57P01 admin_shutdown`); ``start()`` brings it back.
final class LocalPostgres: Sendable {
    let url: String
    let port: Int
    private let control: URL
    private let folder: URL

    /// Starts a server under `folder`. Needs the Debian postgresql package (ci/setup installs it).
    static func start(in folder: URL) throws(LiveError) -> LocalPostgres {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw LiveError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin); ci/setup installs it, or pass --postgres URL")
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let data = folder.appendingPathComponent("postgres")
        try? FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // PostgreSQL refuses to run as root: its files and processes then belong to the postgres user.
        let asUser = Shell.isRoot ? ["runuser", "-u", "postgres", "--"] : []
        if Shell.isRoot {
            _ = try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
            _ = try? FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: data.path)
        }
        try Shell.run(
            asUser + ["\(bin)/initdb", "-D", data.appendingPathComponent("data").path, "--auth=trust", "--no-sync", "-U", "postgres"],
            log: folder.appendingPathComponent("initdb.log")
        )
        var lastError = LiveError("no free port")
        for _ in 0..<5 {
            let port = FreePort.next()
            let control = folder.appendingPathComponent("postgres-ctl")
            let script = Self.controlScript(bin: bin, data: data.path, port: port, asUser: asUser)
            do {
                try script.write(to: control, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: control.path)
            } catch {
                throw LiveError("cannot write \(control.path): \(error.localizedDescription)")
            }
            let server = LocalPostgres(url: "postgres://postgres@127.0.0.1:\(port)/postgres", port: port, control: control, folder: folder)
            do {
                try server.start()
                return server
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private init(url: String, port: Int, control: URL, folder: URL) {
        self.url = url
        self.port = port
        self.control = control
        self.folder = folder
    }

    func start() throws(LiveError) {
        do {
            try Shell.run(["bash", control.path, "start"], log: folder.appendingPathComponent("postgres-ctl.log"))
        } catch {
            // pg_ctl only says "could not start server"; the server's own log says why.
            let log = folder.appendingPathComponent("postgres/server.log")
            guard let fatal = Shell.lastLine(of: log, matching: { $0.contains("FATAL") }) else { throw error }
            throw LiveError("\(error.description); \(fatal) (server log: \(log.path))")
        }
    }

    func stop() throws(LiveError) {
        try Shell.run(["bash", control.path, "stop"], log: folder.appendingPathComponent("postgres-ctl.log"))
    }

    /// The control script ci/services.sh also writes (``Shell`` closes the inherited descriptors before it runs).
    /// TCP only: a Unix socket's path may not exceed 107 bytes, and a report folder can be deeper than that.
    private static func controlScript(bin: String, data: String, port: Int, asUser: [String]) -> String {
        let user = asUser.joined(separator: " ")
        return """
            #!/usr/bin/env bash
            case "$1" in
              stop) exec \(user) "\(bin)/pg_ctl" -D "\(data)/data" -w -m fast stop ;;
              start) exec \(user) "\(bin)/pg_ctl" -D "\(data)/data" -w -l "\(data)/server.log" \\
                  -o "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off" start </dev/null ;;
            esac

            """
    }
}

import Foundation
import RevoScenarios

/// A throwaway PostgreSQL server: initdb in a temporary folder, on a free loopback port, trust authentication.
/// ``stop()`` is a real outage (`pg_ctl stop -m fast`: clients get `57P01 admin_shutdown`); ``start()`` brings it back.
final class LocalPostgres: Sendable {
    let url: String
    let port: Int
    private let control: URL
    private let folder: URL
    private let data: URL

    /// Starts a server under `folder`. Needs the Debian postgresql package (ci/setup installs it).
    static func start(in folder: URL) throws(LiveError) -> LocalPostgres {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw LiveError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin); ci/setup installs it, or pass --postgres URL")
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        // PostgreSQL refuses to run as root: its files and processes then belong to the postgres user, and its data
        // lives in a folder of its own under the temporary directory, since the report folder's parents (mktemp -d,
        // a CI checkout) may be private to root.
        let asUser = Shell.isRoot ? ["runuser", "-u", "postgres", "--"] : []
        let data = try Shell.isRoot ? Self.postgresOwnedFolder() : folder.appendingPathComponent("postgres")
        try? FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let initdbLog = folder.appendingPathComponent("initdb.log")
        do {
            try Shell.run(
                asUser + ["\(bin)/initdb", "-D", data.appendingPathComponent("data").path, "--auth=trust", "--no-sync", "-U", "postgres"],
                log: initdbLog
            )
        } catch {
            try? FileManager.default.removeItem(at: data)
            throw error
        }
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
            let server = LocalPostgres(
                url: "postgres://postgres@127.0.0.1:\(port)/postgres",
                port: port,
                control: control,
                folder: folder,
                data: data
            )
            do {
                try server.start()
                return server
            } catch {
                lastError = error
            }
        }
        Self.discard(data, keepingLogIn: folder)
        throw lastError
    }

    private init(url: String, port: Int, control: URL, folder: URL, data: URL) {
        self.url = url
        self.port = port
        self.control = control
        self.folder = folder
        self.data = data
    }

    /// A fresh folder under the temporary directory that only the postgres user can enter.
    private static func postgresOwnedFolder() throws(LiveError) -> URL {
        var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("revo-postgres-XXXXXX").path.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LiveError("cannot create a folder for PostgreSQL's data under \(FileManager.default.temporaryDirectory.path)")
        }
        let folder = URL(fileURLWithPath: String(cString: made))
        do {
            try FileManager.default.setAttributes([.ownerAccountName: "postgres", .groupOwnerAccountName: "postgres"], ofItemAtPath: folder.path)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw LiveError("cannot give \(folder.path) to the postgres user: \(error.localizedDescription)")
        }
        return folder
    }

    /// Removes the server's data (call after ``stop()``); its log is kept next to the reports first.
    func discard() {
        Self.discard(data, keepingLogIn: folder)
    }

    private static func discard(_ data: URL, keepingLogIn folder: URL) {
        let kept = folder.appendingPathComponent("postgres-server.log")
        try? FileManager.default.removeItem(at: kept)
        try? FileManager.default.copyItem(at: data.appendingPathComponent("server.log"), to: kept)
        try? FileManager.default.removeItem(at: data)
    }

    func start() throws(LiveError) {
        do {
            try Shell.run(["bash", control.path, "start"], log: folder.appendingPathComponent("postgres-ctl.log"))
        } catch {
            // pg_ctl only says "could not start server"; the server's own log says why.
            let log = data.appendingPathComponent("server.log")
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

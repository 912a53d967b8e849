import AsyncHTTPClient
import Foundation
import RevoFaultProxy

/// What a live run started and must stop however it ends: the web client's pages, the child servers (in reverse
/// order of starting), the fault proxies and the HTTP client. Used by the one task that runs the scenario.
final class LiveStage: @unchecked Sendable {
    let proxy: FaultProxy
    let http: HTTPClient
    /// Where the run's services keep their data and logs.
    let services: URL
    var children: [ChildServer] = []
    var pages: BrowserPages?

    init(proxy: FaultProxy, http: HTTPClient, services: URL) {
        self.proxy = proxy
        self.http = http
        self.services = services
    }

    func stopPages() async {
        await pages?.stop()
        pages = nil
    }

    func stop() async {
        await stopPages()
        for child in children.reversed() { await child.stop() }
        children = []
        try? await http.shutdown()
        await proxy.shutdown()
    }
}

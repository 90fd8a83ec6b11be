import CDTModuleKit
public import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A real browser for tests: headless Chromium from Debian's packages (`apt-get install -y chromium`).
/// It signs in through the server's HTML form, as a person would, follows the redirect to the page and
/// returns the page's DOM after it loaded (no script of the page is needed: the form posting is the
/// only script, in a page the browser opens first). That page is served from another port of 127.0.0.1,
/// the same site as the server (like a portal beside it): the server refuses sign-in forms posted from
/// another site, such as a local file.
public struct HeadlessBrowser: Sendable {
    public let executable: URL

    /// The installed Chromium; fails with the command that installs it.
    public static func find() throws -> HeadlessBrowser {
        let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestHarnessError("Chromium is not installed: run `sudo apt-get install -y chromium` (scripts/ensure-dependencies does it)")
        }
        return HeadlessBrowser(executable: URL(fileURLWithPath: path))
    }

    /// Signs in at `origin` with `fields` (login, password, code) and returns the DOM of `next` (a path),
    /// or, with `screenshot`, also saves a PNG of it there.
    public func signInAndOpen(origin: String, fields: [String: String], next: String, screenshot: URL? = nil) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inputs = (fields.merging(["next": next]) { $1 }).map { "<input name=\"\(HTML.escape($0.key))\" value=\"\(HTML.escape($0.value))\">" }.joined()
        let html = """
            <!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
            <form method="post" action="\(HTML.escape(origin))/api/v1/auth/signin">\(inputs)</form>
            <script>document.forms[0].submit()</script></body></html>
            """
        let router = Router()
        router.get("sign-in.html") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        }
        let portal = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        var arguments = Self.flags(profile: folder.appendingPathComponent("profile")) + ["--hide-scrollbars"]
        if let screenshot { arguments += ["--window-size=1280,2000", "--screenshot=\(screenshot.path)"] } else { arguments.append("--dump-dom") }
        let fixed = arguments
        return try await portal.test(.live) { client in
            guard let port = client.port else { throw TestHarnessError("the sign-in page has no port") }
            return try await run(fixed + ["http://127.0.0.1:\(port)/sign-in.html"])
        }
    }

    /// The DOM of `url`, opened without signing in.
    public func open(_ url: String) async throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-browser-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await run(Self.flags(profile: folder) + ["--dump-dom", url])
    }

    /// Headless, with a profile of its own, given 15 s of page time to follow redirects and load.
    private static func flags(profile: URL) -> [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--user-data-dir=\(profile.path)", "--virtual-time-budget=15000"]
    }

    /// Runs Chromium to its end on a thread of its own (see ``ChildProcess``: the page it loads comes from
    /// this process's server, whose handlers need the cooperative pool this task would otherwise block).
    private func run(_ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(executable.path, arguments, timeLimit: .seconds(90))
        guard result.status == 0 else { throw TestHarnessError("chromium exited with \(result.status)") }
        return result.output
    }
}

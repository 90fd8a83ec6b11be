public import Foundation

/// A real Chromium driven as a person uses it: it opens pages, types into fields, clicks buttons, reads
/// what the page shows, and can lose the network. It drives headless Chromium through Debian's
/// `chromium-driver` (ChromeDriver, the W3C WebDriver protocol over HTTP on 127.0.0.1), with a profile of
/// its own that lives as long as the session (restart the browser on the same profile with
/// ``restart()``).
///
/// ```swift
/// let browser = try await BrowserSession.start(width: 360)
/// try await browser.signIn(origin: "http://127.0.0.1:\(port)", login: "officer", password: "…", next: "/api/v1/modules/rewards/queue")
/// try await browser.type(into: "#reason", "Thiếu minh chứng tập huấn")
/// try await browser.click("button[name=action][value=return]")
/// #expect(try await browser.text(of: "[role=status]").contains("Đã trả lại"))
/// await browser.close()
/// ```
public final class BrowserSession: @unchecked Sendable {
    private let driver: ChildProcess.Running
    private let base: URL
    private var session: String
    private let profile: URL
    private let capabilities: [String: Any]

    /// The key WebDriver names an element by.
    private static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// The viewport's size in CSS pixels.
    public let width: Int, height: Int

    private init(driver: ChildProcess.Running, base: URL, session: String, profile: URL, capabilities: [String: Any], width: Int, height: Int) {
        self.width = width
        self.height = height
        self.driver = driver
        self.base = base
        self.session = session
        self.profile = profile
        self.capabilities = capabilities
    }

    /// Starts ChromeDriver and a headless Chromium `width` pixels wide (a phone's 360 by default); fails
    /// with the command that installs what is missing.
    public static func start(width: Int = 360, height: Int = 800) async throws -> BrowserSession {
        let candidates = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        guard let driverPath = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestHarnessError("ChromeDriver is not installed: run `sudo apt-get install -y chromium-driver` (scripts/ensure-dependencies --for-tests does it)")
        }
        let browser = try HeadlessBrowser.find()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("cdt-webdriver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let driver = try ChildProcess.start(driverPath, ["--port=\(port)", "--allowed-ips=127.0.0.1"])
            let base = URL(string: "http://127.0.0.1:\(port)")!
            guard await waitUntilReady(base, driver) else { driver.stop(); continue }
            let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
                "browserName": "chrome",
                "goog:chromeOptions": [
                    "binary": browser.executable.path,
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                             "--disable-dev-shm-usage", "--window-size=\(width),\(height)", "--user-data-dir=\(profile.path)"],
                ],
            ]]]
            do {
                let answer = try await request(base, "POST", "/session", capabilities)
                guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
                    throw TestHarnessError("ChromeDriver started no session: \(answer)")
                }
                let browser = BrowserSession(driver: driver, base: base, session: id, profile: profile, capabilities: capabilities, width: width, height: height)
                try await browser.emulateViewport()
                return browser
            } catch {
                driver.stop()
                throw error
            }
        }
        throw TestHarnessError("ChromeDriver did not start on any of five ports")
    }

    /// Opens `url` and waits until it has loaded.
    public func open(_ url: String) async throws {
        _ = try await command("POST", "url", ["url": url])
    }

    /// Signs in through the server's sign-in form at `origin` as a person does (types the login and the
    /// password, presses the button), and lands on `next`.
    public func signIn(origin: String, login: String, password: String, code: String? = nil, next: String) async throws {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        try await open(origin + "/api/v1/auth/signin?next=" + (next.addingPercentEncoding(withAllowedCharacters: allowed) ?? next))
        try await type(into: "#login", login)
        try await type(into: "#password", password)
        if let code { try await type(into: "#code", code) }
        try await click("button[type=submit]")
    }

    /// Types `text` into the field `selector` names (a CSS selector), after what it holds.
    public func type(into selector: String, _ text: String) async throws {
        _ = try await onElement(selector, "POST", "value", ["text": text])
    }

    /// Empties the field `selector` names.
    public func clear(_ selector: String) async throws {
        _ = try await onElement(selector, "POST", "clear", [:])
    }

    /// Clicks what `selector` names (a button, a link, a check box) and waits for the page it leads to.
    public func click(_ selector: String) async throws {
        _ = try await onElement(selector, "POST", "click", [:])
    }

    /// Chooses the option whose value is `value` in the select `selector` names, by clicking it.
    public func select(_ selector: String, value: String) async throws {
        try await click("\(selector) option[value=\"\(value)\"]")
    }

    /// The text `selector` shows (its rendered text, as a person reads it).
    public func text(of selector: String) async throws -> String {
        try await onElement(selector, "GET", "text", nil)["value"] as? String ?? ""
    }

    /// Whether the page has an element `selector` names.
    public func has(_ selector: String) async throws -> Bool {
        let answer = try await command("POST", "elements", ["using": "css selector", "value": selector])
        return !((answer["value"] as? [Any])?.isEmpty ?? true)
    }

    /// The page's HTML as the browser holds it now.
    public func pageSource() async throws -> String {
        try await command("GET", "source", nil)["value"] as? String ?? ""
    }

    /// The address of the page shown.
    public func currentURL() async throws -> String {
        try await command("GET", "url", nil)["value"] as? String ?? ""
    }

    /// Runs `script` in the page (`return …` gives a value), for what a person cannot do by hand, such as
    /// reading what the page keeps in its storage.
    public func run(_ script: String, arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "execute/sync", ["script": script, "args": arguments])["value"]
    }

    /// Saves what the viewport shows (``width`` × ``height``) as a PNG file at `file`, making its folder.
    public func screenshot(to file: URL) async throws {
        let answer = try await command("GET", "screenshot", nil)
        guard let encoded = answer["value"] as? String, let png = Data(base64Encoded: encoded) else {
            throw TestHarnessError("ChromeDriver gave no screenshot")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: file)
    }

    /// Cuts the network (`offline: true`) or gives it back, as the DevTools protocol's network emulation does.
    public func setOffline(_ offline: Bool) async throws {
        _ = try await command("POST", "chromium/network_conditions", ["network_conditions": [
            "offline": offline, "latency": 0, "download_throughput": -1, "upload_throughput": -1,
        ]])
    }

    /// Quits the browser and starts it again on the same profile (what it stored survives, as on a phone
    /// turned off and on).
    public func restart() async throws {
        _ = try? await command("DELETE", "", nil)
        let answer = try await Self.request(base, "POST", "/session", capabilities)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw TestHarnessError("ChromeDriver started no session: \(answer)")
        }
        session = id
        try await emulateViewport()
    }

    /// Chromium makes no window narrower than 500 px: the page's viewport is set to `width` × `height`
    /// through the DevTools protocol instead (as a phone's, touch and all), for every page the tab opens.
    private func emulateViewport() async throws {
        // Looking for an element waits up to 5 s for it to appear, as a person waits for a page to load.
        _ = try await command("POST", "timeouts", ["implicit": 5000])
        _ = try await command("POST", "goog/cdp/execute", ["cmd": "Emulation.setDeviceMetricsOverride", "params": [
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": true,
        ]])
    }

    /// A session a failing test never closed still ends its driver and the browser it started (they share
    /// a process group, killed at once: ChromeDriver does not stop on SIGTERM while it serves).
    deinit {
        driver.stop()
    }

    /// Quits the browser and the driver and removes the profile.
    public func close() async {
        _ = try? await command("DELETE", "", nil)
        driver.stop()
        try? FileManager.default.removeItem(at: profile)
    }

    // MARK: WebDriver

    /// Runs an element command on what `selector` names, finding it again when the page it was found on
    /// has just been replaced (a form's post navigating): as a person looks again at the new page.
    private func onElement(_ selector: String, _ method: String, _ action: String, _ body: [String: Any]?) async throws -> [String: Any] {
        var attempt = 0
        while true {
            do {
                let element = try await find(selector)
                return try await command(method, "element/\(element)/\(action)", body)
            } catch let error as TestHarnessError where error.description.contains("stale element") && attempt < 10 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func find(_ selector: String) async throws -> String {
        let answer = try await command("POST", "element", ["using": "css selector", "value": selector])
        guard let value = answer["value"] as? [String: Any], let id = value[Self.elementKey] as? String else {
            throw TestHarnessError("no element matches \(selector) on \(try await currentURL())")
        }
        return id
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        try await Self.request(base, method, "/session/\(session)" + (path.isEmpty ? "" : "/\(path)"), body)
    }

    /// One WebDriver command, sent with `curl` (Foundation's URLSession fails on this platform's
    /// loopback with "Failed writing header"), run through ``ChildProcess`` so the tests' and the server's
    /// tasks keep every thread of the cooperative pool.
    private static func request(_ base: URL, _ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else {
            throw TestHarnessError("curl is not installed: run `sudo apt-get install -y curl` (scripts/ensure-dependencies --for-tests does it)")
        }
        var arguments = ["--silent", "--show-error", "--max-time", "60", "--request", method, base.absoluteString + path]
        if body != nil { arguments += ["--header", "Content-Type: application/json", "--data-binary", "@-"] }
        let payload = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        // Past curl's own 60 s, so curl's error is the one reported.
        let result = try await ChildProcess.run("/usr/bin/curl", arguments, input: payload, timeLimit: .seconds(90))
        guard result.status == 0 else { throw TestHarnessError("WebDriver \(method) \(path): curl exited with \(result.status)") }
        let data = Data(result.output.utf8)
        let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if let value = answer["value"] as? [String: Any], let error = value["error"] as? String {
            throw TestHarnessError("WebDriver \(method) \(path): \(error): \(value["message"] as? String ?? "")")
        }
        return answer
    }

    private static func waitUntilReady(_ base: URL, _ driver: ChildProcess.Running) async -> Bool {
        for _ in 0..<100 {
            guard driver.isRunning else { return false }
            if let answer = try? await request(base, "GET", "/status", nil), let value = answer["value"] as? [String: Any], value["ready"] as? Bool == true {
                return true
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}

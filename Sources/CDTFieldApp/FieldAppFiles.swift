public import Foundation
import Crypto

/// The field app's files (Documents/: HTML, CSS, JavaScript modules, the service worker, the web manifest
/// and the icon), embedded in the binary at build time, so a server needs nothing beside itself to serve it.
///
/// ```swift
/// if let file = FieldAppFiles.file(named: "app.js") { … file.body, file.contentType, file.etag … }
/// ```
public enum FieldAppFiles {
    /// One file as served: its bytes, media type and entity tag.
    public struct File: Sendable {
        public let name: String
        public let body: String
        public let contentType: String
        /// A strong entity tag: a digest of the body (`"…"`), for `If-None-Match`.
        public let etag: String
    }

    /// A digest of every file of this build: it names the service worker's cache, so a new build replaces
    /// what phones keep, and an unchanged one keeps it.
    public static let build: String = {
        let joined = EmbeddedDocuments.files.keys.sorted().map { $0 + "\u{0}" + (EmbeddedDocuments.files[$0] ?? "") }.joined(separator: "\u{0}")
        return String(digest(joined).prefix(16))
    }()

    /// The files, by name; the service worker carries the build's digest in place of `__BUILD__` and the
    /// names of the files it keeps in place of `__FILES__`.
    public static let files: [String: File] = {
        var files: [String: File] = [:]
        let kept = EmbeddedDocuments.files.keys.filter { $0 != "sw.js" }.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
        for (name, text) in EmbeddedDocuments.files {
            let body = name == "sw.js"
                ? text.replacingOccurrences(of: "__BUILD__", with: build).replacingOccurrences(of: "__FILES__", with: "[\(kept)]")
                : text
            files[name] = File(name: name, body: body, contentType: contentType(of: name), etag: "\"" + String(digest(body).prefix(32)) + "\"")
        }
        return files
    }()

    /// The file called `name`, or nil when the app has none.
    public static func file(named name: String) -> File? { files[name] }

    /// The names of every file, in order: what the service worker keeps for offline use.
    public static var names: [String] { files.keys.sorted() }

    static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "webmanifest": "application/manifest+json"
        case "svg": "image/svg+xml"
        case "json": "application/json"
        default: "text/plain; charset=utf-8"
        }
    }

    private static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

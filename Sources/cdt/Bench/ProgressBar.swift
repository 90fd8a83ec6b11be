import Foundation

/// A progress bar on standard error with the rate and an estimate of the time left; on a terminal it
/// redraws in place a few times a second, elsewhere (a CI log) it prints a line every tenth of the way.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private let started = ContinuousClock.now
    private var lastDrawn = ContinuousClock.now - .seconds(10)
    private var lastTenth = -1
    private let interactive = isatty(2) == 1

    init(_ label: String) {
        self.label = label
    }

    func update(_ done: Int, of total: Int) {
        lock.withLock {
            let now = ContinuousClock.now
            let finished = done >= total
            let tenth = total > 0 ? done * 10 / total : 10
            if interactive {
                guard finished || now - lastDrawn >= .milliseconds(250) else { return }
            } else {
                guard tenth > lastTenth else { return }
            }
            lastDrawn = now
            lastTenth = tenth
            let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
            let elapsed = Self.seconds(now - started)
            let rate = elapsed > 0 ? Double(done) / elapsed : 0
            let left = rate > 0 ? Double(total - done) / rate : 0
            let width = 28, filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            let line = "\(label) [\(bar)] \(String(format: "%3.0f", fraction * 100))%  \(Self.count(done)) of \(Self.count(total))  "
                + "\(Self.count(Int(rate)))/s  " + (finished ? "in \(Self.duration(elapsed))" : "ETA \(Self.duration(left))")
            FileHandle.standardError.write(Data(((interactive ? "\r\u{1B}[K" : "") + line + (finished || !interactive ? "\n" : "")).utf8))
        }
    }

    static func count(_ value: Int) -> String {
        switch value {
        case 1_000_000...: String(format: "%.1fM", Double(value) / 1e6)
        case 10_000...: String(format: "%.0fk", Double(value) / 1e3)
        default: "\(value)"
        }
    }

    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600 ? "\(whole / 3600)h \(whole % 3600 / 60)m" : whole >= 60 ? "\(whole / 60)m \(whole % 60)s" : "\(whole)s"
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

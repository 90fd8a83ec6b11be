import CDTModuleKit
public import CDTPostgres
import CDTDomain
import Foundation
public import Logging
public import Prometheus
public import ServiceLifecycle

/// Delivers the event log to every module that consumes events, province by province where the module
/// is enabled, in delivery order, with a checkpoint per module and province that advances in the same
/// transaction as the module's writes: a crash at any point neither loses nor double-applies an event.
///
/// - New events wake it at once (`LISTEN cdt_events`); it also looks every second, in case a notification
///   was lost or an older transaction was still open.
/// - Under a steady stream of commits, each of which wakes it, a pass starts at most every
///   ``minimumPassInterval``: the events that arrived meanwhile go in one batch, instead of every module
///   reading its provinces again for each commit. Under heavy ingestion the passes space out further
///   (``passInterval(after:)``), so each batch is bigger and a module's fixed work per batch is shared by
///   more events.
/// - A module catching up (its last batch was full) keeps its province for up to ``provinceTurn`` in a pass,
///   batch after batch, and gets its next batch read on another connection while it applies the current one
///   (``FeedReadAhead``), used only if the checkpoint is still where it starts. A batch is read ahead only
///   when its delivery comes soon: later in the same turn, or in the next pass when that pass holds no more
///   provinces than are delivered at once.
/// - A batch that fails is rolled back and delivered again one event at a time; the failing event is
///   retried, then parked (`module_parked_events`) with its error, and delivery goes on after it.
/// - A database out of reach (down, restarting, connection broken: ``PostgresError/isUnavailable``) is
///   waited out with backoff and never counts against an event's retries: only errors the module raises
///   park an event.
/// - Several server processes may run it at once: the checkpoint's row lock makes them take turns.
public final class ModuleDispatcher: Service, Sendable {
    let host: ModuleHost
    let database: PostgresClient
    let listenConninfo: String?
    let logger: Logger
    let metrics: DispatchMetrics
    /// The most events one batch holds: a module catching up gets big batches (a module that sums
    /// figures writes each figure once per batch); one that is caught up gets what arrived since its last.
    let batchSize: Int
    /// How many provinces' batches are delivered at once.
    let concurrency: Int
    /// Waits before each retry of a failing event; one attempt more than waits.
    let retryDelays: [Duration]
    /// The longest wait between two attempts while the database is out of reach (the waits double up to it).
    let maximumOutageWait: Duration
    /// The shortest time from the start of one pass to the start of the next, unless the last pass found a
    /// full batch (a module catching up goes on at once). It adds at most this much to an event's delay.
    let minimumPassInterval: Duration
    /// How much later the next pass starts for each event the last one delivered (see ``passInterval(after:)``).
    let passSpacingPerEvent: Duration
    /// The longest the spacing makes the interval: what it adds to an event's delay under the heaviest load.
    let maximumPassInterval: Duration
    /// How long a pass stays with a province whose batches come full (a module catching up) before it moves
    /// on: its batches follow one another with the next one read ahead. With every province catching up (a
    /// national rebuild, 34 provinces, two at a time), a batch read ahead and left for the next pass waited
    /// out the pass, longer than a read ahead is kept, and every batch was read twice.
    let provinceTurn: Duration
    /// The next batches of modules catching up, read while the current ones are applied.
    let readAhead = FeedReadAhead()
    /// How many events of the log one read looks at (of any type): the same for a batch and for the
    /// single deliveries after a batch failed, so those find the event that failed it. Finding where it
    /// ends reads that many index entries (10,000 take about 16 ms) for every module on every pass.
    var window: Int { batchSize * 5 }

    public init(
        host: ModuleHost, database: PostgresClient, listenConninfo: String?, metrics: PrometheusCollectorRegistry, logger: Logger,
        batchSize: Int = 2_000, concurrency: Int = 2, retryDelays: [Duration] = [.milliseconds(100), .milliseconds(500)],
        maximumOutageWait: Duration = .seconds(5), minimumPassInterval: Duration = .milliseconds(50),
        passSpacingPerEvent: Duration = .microseconds(500), maximumPassInterval: Duration = .seconds(1),
        provinceTurn: Duration = .seconds(1)
    ) {
        self.host = host
        self.database = database
        self.listenConninfo = listenConninfo
        self.logger = logger
        self.metrics = DispatchMetrics(registry: metrics)
        self.batchSize = batchSize
        self.concurrency = max(1, concurrency)
        self.retryDelays = retryDelays
        self.maximumOutageWait = maximumOutageWait
        self.minimumPassInterval = minimumPassInterval
        self.passSpacingPerEvent = passSpacingPerEvent
        self.maximumPassInterval = max(minimumPassInterval, maximumPassInterval)
        self.provinceTurn = provinceTurn
    }

    /// The time from the start of a pass that delivered `delivered` events to the start of the next one:
    /// ``passSpacingPerEvent`` for each of them, at least ``minimumPassInterval`` and at most
    /// ``maximumPassInterval``; none after a full batch (a module catching up goes on at once).
    ///
    /// With the defaults (50 ms, 0.5 ms an event, 1 s), events arriving at under 2,000 a second are
    /// delivered every 50 ms as before; above it each pass finds more than its interval's worth, so the
    /// passes space out, up to a second, and the batches grow with the load. At 2,600 single events a second
    /// the coverage module spent about as much of PostgreSQL's time on its batches' fixed work (the roll-ups
    /// of every unit touched) as the log on the events themselves (docs/benchmarks.md, "Fifth round"); with
    /// passes at most 250 ms apart it was still 39% of the statements' time at 2,400 a second ("Eighth round").
    /// The freshness targets (a second at 200 visits a second, two at 1,000) are below the 2,000 a second
    /// where the spacing starts.
    public func passInterval(after delivered: Int) -> Duration {
        if delivered >= batchSize { return .zero }
        return min(maximumPassInterval, max(minimumPassInterval, passSpacingPerEvent * delivered))
    }

    public func run() async throws {
        guard host.registry.modules.contains(where: { !$0.manifest.consumes.isEmpty }) else { return }
        let wake = WakeSignal()
        let listener = Task { [listenConninfo, logger] in
            guard let listenConninfo else { return }
            for await _ in PostgresListener.listen(conninfo: listenConninfo, channels: ["cdt_events"], logger: logger) { wake.signal() }
        }
        defer {
            listener.cancel()
            readAhead.cancelAll()
        }
        await cancelWhenGracefulShutdown {
            let clock = ContinuousClock()
            while !Task.isCancelled {
                var delivered = 0
                let started = clock.now
                do {
                    delivered = try await self.dispatchOnce()
                } catch {
                    self.logger.error("module dispatch failed; trying again shortly", metadata: ["error": "\(error)"])
                }
                if delivered == 0 { await wake.wait(upTo: .seconds(1)) }
                let interval = self.passInterval(after: delivered)
                if interval > .zero { try? await clock.sleep(until: started + interval) }
            }
        }
    }

    /// One pass: a batch to each module in each province where it is enabled and has events pending (found
    /// first with one read a module, so an idle pass writes nothing).
    /// Returns how many events were applied or parked, plus one for each checkpoint that only moved over
    /// events its module does not consume (0 when every module is caught up).
    @discardableResult
    public func dispatchOnce() async throws -> Int {
        metrics.passes.increment()
        readAhead.dropStale()
        var handled = 0
        for module in host.registry.modules where !module.manifest.consumes.isEmpty {
            let id = module.manifest.id
            guard let context = host.contexts[id] else { continue }
            let provinces = try await provincesWithWork(for: id, among: Array(host.enablements.enabledProvinces(of: id, schema: module.settings).keys))
                .sorted { $0.description < $1.description }
            var lag: Duration = .zero
            // With no more provinces than are delivered at once, the next pass comes back to each at once.
            let nextPassComesBack = provinces.count <= concurrency
            // `concurrency` provinces at a time: each has its own checkpoint and, but for roll-ups shared
            // through a reorganization that merged provinces, its own rows. Two deliveries that deadlock on
            // shared rows fail one batch, which is then delivered one event at a time.
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                var pending = provinces.makeIterator()
                func start(_ province: ID<AdministrativeUnit>) {
                    group.addTask {
                        try await RowScope.$current.withValue(.provinces([province.rawValue])) {
                            try await self.deliverTurn(module, context, province, nextPassComesBack: nextPassComesBack)
                        }
                    }
                }
                for _ in 0..<concurrency { if let province = pending.next() { start(province) } }
                while let outcome = try await group.next() {
                    handled += outcome.handled + (outcome.skipped ? 1 : 0)
                    lag = max(lag, outcome.lag)
                    if let province = pending.next() { start(province) }
                }
            }
            metrics.lag(of: id).set(Double(lag.components.seconds) + Double(lag.components.attoseconds) / 1e18)
        }
        return handled
    }

    /// Dispatches until every module has every committed event of every province where it is enabled (for
    /// tests and the command line). Events of a transaction that committed while an older one still runs
    /// anywhere in the cluster are held back until that one ends, so this waits for them, up to `timeout`.
    public func catchUp(timeout: Duration = .seconds(30)) async throws {
        let clock = ContinuousClock(), deadline = clock.now + timeout
        while true {
            if try await dispatchOnce() > 0 { continue }
            guard try await hasPending() else { return }
            guard clock.now < deadline else { throw CatchUpTimeout(timeout: timeout) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The provinces among `enabled` where the module has events to be delivered, from one read without
    /// locks: only those get a delivery transaction.
    private func provincesWithWork(for module: String, among enabled: [ID<AdministrativeUnit>]) async throws -> Set<ID<AdministrativeUnit>> {
        guard !enabled.isEmpty else { return [] }
        return try await RowScope.$current.withValue(.provinces(enabled.map(\.rawValue))) {
            try await database.withConnection { try await PostgresEventFeed.provincesWithDeliverableEvents(module, among: enabled, $0) }
        }
    }

    private func hasPending() async throws -> Bool {
        for module in host.registry.modules where !module.manifest.consumes.isEmpty {
            for province in try await host.enablements.enabledProvinces(of: module.manifest.id, schema: module.settings).keys {
                let pending = try await RowScope.$current.withValue(.provinces([province.rawValue])) {
                    try await database.withConnection { try await PostgresEventFeed.hasPending(module.manifest.id, in: province, types: module.manifest.consumes, $0) }
                }
                if pending { return true }
            }
        }
        return false
    }

    struct Outcome {
        var handled = 0
        /// Whether the checkpoint moved over events the module does not consume.
        var skipped = false
        /// How long the oldest event of the batch had waited.
        var lag: Duration = .zero
    }

    /// A province's turn in a pass: batches one after another while they come full, for up to
    /// ``provinceTurn``. The next batch is read ahead when its delivery comes soon: in this turn, judged by
    /// the time left against the last batch's, or in the next pass when `nextPassComesBack`.
    private func deliverTurn(
        _ module: any FeatureModule, _ context: ModuleContext, _ province: ID<AdministrativeUnit>, nextPassComesBack: Bool
    ) async throws -> Outcome {
        let clock = ContinuousClock(), started = clock.now
        var turn = Outcome(), lastBatch: Duration = .zero
        while true {
            let batchStarted = clock.now
            let readsAhead = nextPassComesBack || (batchStarted - started) + lastBatch < provinceTurn
            let outcome = try await deliverBatch(module, context, province, readsAhead: readsAhead)
            turn.handled += outcome.handled
            turn.skipped = turn.skipped || outcome.skipped
            turn.lag = max(turn.lag, outcome.lag)
            lastBatch = clock.now - batchStarted
            guard outcome.handled >= batchSize, clock.now - started < provinceTurn, !Task.isCancelled else { return turn }
        }
    }

    private func deliverBatch(
        _ module: any FeatureModule, _ context: ModuleContext, _ province: ID<AdministrativeUnit>, readsAhead: Bool
    ) async throws -> Outcome {
        let id = module.manifest.id
        do {
            let key = FeedReadAhead.Key(module: id, province: province)
            let readAhead = await readAhead.take(key, size: batchSize)
            return try await database.withTransaction { tx in
                let (events, scannedTo) = try await self.lockAndReadBatch(module, key, readAhead: readAhead, readsAhead: readsAhead, tx)
                guard let scannedTo else { return Outcome() }
                if !events.isEmpty { try await module.applyBatch(events, in: tx, context: context) }
                try await PostgresEventFeed.advance(id, province: province, to: scannedTo, delivered: events.count, tx)
                // Events of types the module does not consume were passed over: progress, not idleness.
                guard !events.isEmpty else { return Outcome(handled: 0, skipped: true) }
                metrics.delivered(to: id).increment(by: Int64(events.count))
                return Outcome(handled: events.count, lag: Self.waited(since: events[0].event.recordedAt ?? Date()))
            }
        } catch {
            logger.warning("a batch failed; delivering one event at a time", metadata: ["module": "\(id)", "province": "\(province)", "error": "\(error)"])
            return try await deliverSingly(module, context, province)
        }
    }

    /// Delivers events one per transaction until one fails its retries, which is parked. While the database
    /// is out of reach it waits, with backoff, as long as the outage lasts (or until shutdown), and those
    /// failures are not the event's.
    private func deliverSingly(_ module: any FeatureModule, _ context: ModuleContext, _ province: ID<AdministrativeUnit>) async throws -> Outcome {
        var outcome = Outcome()
        for _ in 0..<batchSize {
            var lastError: (any Error)?
            var delivered: FeedEvent?
            var attempt = 0, outageWait = retryDelays.first ?? .milliseconds(100)
            while true {
                do {
                    delivered = try await deliverOne(module, context, province)
                    lastError = nil
                    break
                } catch let error as PostgresError where error.isUnavailable {
                    logger.warning("the database is out of reach; waiting to deliver again", metadata: [
                        "module": "\(module.manifest.id)", "province": "\(province)", "error": "\(error)", "wait": "\(outageWait)",
                    ])
                    try await Task.sleep(for: outageWait)
                    outageWait = min(outageWait * 2, maximumOutageWait)
                } catch {
                    lastError = error
                    guard attempt < retryDelays.count else { break }
                    try await Task.sleep(for: retryDelays[attempt])
                    attempt += 1
                }
            }
            if let lastError {
                try await park(module, province, attempts: retryDelays.count + 1, error: lastError)
                outcome.handled += 1
                return outcome
            }
            guard let delivered else { return outcome }
            outcome.handled += 1
            outcome.lag = max(outcome.lag, Self.waited(since: delivered.event.recordedAt ?? Date()))
        }
        return outcome
    }

    private func deliverOne(_ module: any FeatureModule, _ context: ModuleContext, _ province: ID<AdministrativeUnit>) async throws -> FeedEvent? {
        let id = module.manifest.id
        return try await database.withTransaction { tx in
            guard let event = try await self.lockAndRead(module, province, limit: 1, tx).events.first else { return nil }
            try await module.applyBatch([event], in: tx, context: context)
            try await PostgresEventFeed.advance(id, province: province, to: event.feedPosition, delivered: 1, tx)
            metrics.delivered(to: id).increment()
            return event
        }
    }

    private func park(_ module: any FeatureModule, _ province: ID<AdministrativeUnit>, attempts: Int, error: any Error) async throws {
        let id = module.manifest.id
        try await database.withTransaction { tx in
            guard let event = try await self.lockAndRead(module, province, limit: 1, tx).events.first else { return }
            try await PostgresEventFeed.park(id, event, attempts: attempts, error: String(describing: error), tx)
            logger.error("parked an event the module could not apply", metadata: [
                "module": "\(id)", "event": "\(event.event.id)", "type": "\(event.event.type.rawValue)", "error": "\(error)",
            ])
        }
        metrics.parked(by: id).increment()
    }

    /// Locks the module's checkpoint in the key's province for the transaction and takes a batch of events
    /// after it: `readAhead` when it starts there, else one read now. When the batch is full (the module is
    /// catching up) and `readsAhead`, the next one is read ahead on another connection while this one is applied.
    private func lockAndReadBatch(
        _ module: any FeatureModule, _ key: FeedReadAhead.Key, readAhead: (after: FeedPosition, batch: FeedReadAhead.Batch)?,
        readsAhead: Bool, _ tx: PostgresSession
    ) async throws -> FeedReadAhead.Batch {
        let province = key.province
        let checkpoint = try await PostgresEventFeed.lockCheckpoint(key.module, province: province, tx)
        let batch: FeedReadAhead.Batch
        if let readAhead, readAhead.after == checkpoint.position {
            batch = readAhead.batch
            metrics.readAhead(by: key.module).increment()
        } else {
            batch = try await PostgresEventFeed.events(
                in: province, after: checkpoint.position, types: module.manifest.consumes, limit: batchSize, window: window, tx)
        }
        if readsAhead, batch.events.count == batchSize, let next = batch.scannedTo {
            let (database, types, limit, window) = (database, module.manifest.consumes, batchSize, window)
            self.readAhead.start(key, after: next) {
                try await database.withConnection { try await PostgresEventFeed.events(in: province, after: next, types: types, limit: limit, window: window, $0) }
            }
        }
        return batch
    }

    /// Locks the module's checkpoint in `province` for the transaction and reads up to `limit` events after it.
    private func lockAndRead(
        _ module: any FeatureModule, _ province: ID<AdministrativeUnit>, limit: Int, _ tx: PostgresSession
    ) async throws -> (events: [FeedEvent], scannedTo: FeedPosition?) {
        let checkpoint = try await PostgresEventFeed.lockCheckpoint(module.manifest.id, province: province, tx)
        return try await PostgresEventFeed.events(in: province, after: checkpoint.position, types: module.manifest.consumes, limit: limit, window: window, tx)
    }

    private static func waited(since recordedAt: Date) -> Duration {
        .milliseconds(max(0, Int64(Date().timeIntervalSince(recordedAt) * 1000)))
    }
}

/// Modules were still behind the log when ``ModuleDispatcher/catchUp(timeout:)`` gave up.
public struct CatchUpTimeout: Error, CustomStringConvertible {
    public let timeout: Duration
    public var description: String { "modules were still behind the event log after \(timeout); a long transaction may be holding delivery back" }
}

/// The dispatcher's figures for `/metrics`: `cdt_module_lag_seconds`, `cdt_module_events_delivered_total`,
/// `cdt_module_batches_read_ahead_total` and `cdt_module_events_parked_total`, each by module.
struct DispatchMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    func lag(of module: String) -> Gauge {
        registry.makeGauge(descriptor: Self.name("lag", "seconds", "How long the oldest event a module was last given had waited, 0 when caught up"),
                           labels: [("module", module)])
    }

    func delivered(to module: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("events_delivered", "total", "Events applied by a module"), labels: [("module", module)])
    }

    /// Passes over every module (``ModuleDispatcher/dispatchOnce()``), idle ones included.
    var passes: Counter {
        registry.makeCounter(descriptor: Self.name("dispatch_passes", "total", "Passes of the dispatcher over every module, idle ones included"))
    }

    /// Batches a module was given from a read made while it applied the batch before (``FeedReadAhead``).
    func readAhead(by module: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("batches_read_ahead", "total", "Batches a module catching up was given from a read made while it applied the one before"),
                             labels: [("module", module)])
    }

    func parked(by module: String) -> Counter {
        registry.makeCounter(descriptor: Self.name("events_parked", "total", "Events a module failed to apply and set aside"), labels: [("module", module)])
    }

    private static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "cdt", subsystem: "module", metricName: metric, unitName: unit, helpText: help)
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Single events through `POST /api/v1/events` from `clients` concurrent clients, each request timed from
/// its first byte sent to its answer's last byte received.
///
/// The clients are keep-alive HTTP/1.1 connections on one SwiftNIO event loop of this process, each sending
/// its next event as soon as the last one is answered (as pgbench's clients and wrk's connections do).
/// Until 2026-12-05 they were `URLSession` tasks, which spent 1.7 times the server's own CPU on the same two
/// cores (a system-wide profile of the phase: this process 39% of the samples, the server 22%,
/// PostgreSQL 31%), so the figure measured the client as much as the server (docs/benchmarks.md,
/// "Fifth round").
struct SingleIngestion {
    let base: String
    let token: String
    let clients: Int
    /// The longest one request may go unanswered before the run fails.
    var requestTimeLimit: TimeAmount = .seconds(120)

    struct Result: Encodable {
        var events = 0, seconds = 0.0
        var latency: BenchReport.Summary
        var perSecond: Double { Double(events) / max(seconds, 1e-9) }
    }

    func run(_ source: [IngestionEvents.Event]) async throws -> Result {
        guard let url = URL(string: base), let host = url.host, let port = url.port else { throw CommandError("cannot read the server's address \(base)") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let result = try await run(source, host: host, port: port, on: group.next())
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(_ source: [IngestionEvents.Event], host: String, port: Int, on loop: any EventLoop) async throws -> Result {
        let allocator = ByteBufferAllocator()
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Authorization", value: "Bearer \(token)")
        let bodies = source.map { allocator.buffer(string: $0.json) }
        let run = try await loop.submit { [headers, requestTimeLimit] in
            SingleIngestionRun(bodies: bodies, headers: headers, loop: loop, requestTimeLimit: requestTimeLimit)
        }.get()
        let started = ContinuousClock.now
        do {
            for _ in 0..<min(clients, max(source.count, 1)) {
                _ = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(SingleEventSender(run: run)) }
                    }
                    .connect(host: host, port: port).get()
            }
        } catch {
            loop.execute { run.finish(.failure(error)) }
            throw error
        }
        let latencies = try await run.finished.futureResult.get()
        return Result(events: source.count, seconds: ProgressBar.seconds(ContinuousClock.now - started), latency: .init(latencies))
    }
}

/// What the connections of one run share, touched only on its event loop: the events not sent yet, the
/// latencies measured, and how the run ends.
private final class SingleIngestionRun: @unchecked Sendable {
    let bodies: [ByteBuffer]
    let headers: HTTPHeaders
    let finished: EventLoopPromise<[Double]>
    private var next = 0
    private var answered = 0
    private var latencies: [Double] = []
    private var channels: [any Channel] = []
    private var done = false
    /// When each connection's request in flight was sent, by connection.
    var sentAt: [ObjectIdentifier: NIODeadline] = [:]
    private var watchdog: RepeatedTask?

    init(bodies: [ByteBuffer], headers: HTTPHeaders, loop: any EventLoop, requestTimeLimit: TimeAmount) {
        self.bodies = bodies
        self.headers = headers
        finished = loop.makePromise()
        latencies.reserveCapacity(bodies.count)
        watchdog = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [unowned self] _ in
            let now = NIODeadline.now()
            if sentAt.values.contains(where: { now - $0 > requestTimeLimit }) {
                finish(.failure(CommandError("an event got no answer within \(requestTimeLimit.nanoseconds / 1_000_000_000) s")))
            }
        }
        // After the watchdog is set, so that finishing cancels it.
        if bodies.isEmpty { finish(.success([])) }
    }

    func opened(_ channel: any Channel) { channels.append(channel) }

    /// The next event's body, or `nil` once every event is sent.
    func takeNext() -> ByteBuffer? {
        guard !done, next < bodies.count else { return nil }
        defer { next += 1 }
        return bodies[next]
    }

    func answered(latency: TimeAmount) {
        latencies.append(Double(latency.nanoseconds) / 1_000_000)
        answered += 1
        if answered == bodies.count { finish(.success(latencies)) }
    }

    func finish(_ result: Result<[Double], any Error>) {
        guard !done else { return }
        done = true
        watchdog?.cancel()
        for channel in channels { channel.close(promise: nil) }
        finished.completeWith(result)
    }
}

/// One connection: sends an event, reads its answer (201 expected), sends the next.
private final class SingleEventSender: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let run: SingleIngestionRun
    private var status: HTTPResponseStatus = .ok
    private var refusal = ""

    init(run: SingleIngestionRun) { self.run = run }

    func channelActive(context: ChannelHandlerContext) {
        run.opened(context.channel)
        sendNext(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            refusal = ""
        case .body(let body):
            if status != .created, refusal.count < 300 { refusal += String(buffer: body) }
        case .end:
            let key = ObjectIdentifier(context.channel)
            guard status == .created, let sent = run.sentAt.removeValue(forKey: key) else {
                run.finish(.failure(CommandError("an event was refused: \(status.code) \(refusal.prefix(300))")))
                return
            }
            run.answered(latency: NIODeadline.now() - sent)
            sendNext(context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        run.finish(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if run.sentAt[ObjectIdentifier(context.channel)] != nil {
            run.finish(.failure(CommandError("the server closed a connection before answering an event")))
        }
        context.fireChannelInactive()
    }

    private func sendNext(_ context: ChannelHandlerContext) {
        guard let body = run.takeNext() else { return }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/v1/events", headers: run.headers)
        head.headers.add(name: "Content-Length", value: String(body.readableBytes))
        run.sentAt[ObjectIdentifier(context.channel)] = .now()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection on a SwiftNIO event loop of this process, for timing requests one at
/// a time: from the request's first byte sent to its answer's last byte received.
///
/// The drill-downs were timed through `URLSession` until 2026-12-06. On Linux it reads an answer through
/// libcurl on a thread of its own and hands it over in pieces; over a province's 300 KB answer that took
/// 1 to 2 ms more than `curl` took for the same request, on the two cores the server shares with it
/// (docs/benchmarks.md, "Sixth round"). The batches went through it until the eighth round, which found
/// the benchmark's own process taking as much of the machine as the server during the batch run.
final class LoopbackHTTP: @unchecked Sendable {
    struct Answer {
        var status: Int
        var body: Data
        /// From the request's first byte sent to the answer's last byte received, in milliseconds.
        var milliseconds: Double
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let channel: any Channel
    private let handler: AnswerReader
    private let host: String

    /// Connects to `base` (`http://host:port`).
    init(base: String) async throws {
        guard let url = URL(string: base), let host = url.host, let port = url.port else { throw CommandError("cannot read the server's address \(base)") }
        self.host = "\(host):\(port)"
        let handler = AnswerReader()
        self.handler = handler
        do {
            channel = try await ClientBootstrap(group: group)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(handler) } }
                .connect(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// `GET path` with a bearer token; fails after `timeLimit` without a whole answer.
    func get(_ path: String, token: String, timeLimit: TimeAmount = .seconds(60)) async throws -> Answer {
        try await send(.GET, path, body: nil, token: token, timeLimit: timeLimit)
    }

    /// `POST path` with a JSON body made beforehand and a bearer token; fails after `timeLimit` without a
    /// whole answer (the connection is then closed: make a new one to go on).
    func post(_ path: String, json body: ByteBuffer, token: String, timeLimit: TimeAmount = .seconds(120)) async throws -> Answer {
        try await send(.POST, path, body: body, token: token, timeLimit: timeLimit)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: ByteBuffer?, token: String, timeLimit: TimeAmount) async throws -> Answer {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        let channel = channel, handler = handler
        let answer = try await channel.eventLoop.flatSubmit { () -> EventLoopFuture<Answer> in
            let promise = channel.eventLoop.makePromise(of: Answer.self)
            handler.expect(promise, sentAt: .now())
            let timeout = channel.eventLoop.scheduleTask(in: timeLimit) {
                promise.fail(CommandError("\(method) \(path) got no whole answer within \(timeLimit.nanoseconds / 1_000_000_000) s"))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timeout.cancel() }
            channel.write(NIOAny(HTTPClientRequestPart.head(head)), promise: nil)
            if let body { channel.write(NIOAny(HTTPClientRequestPart.body(.byteBuffer(body))), promise: nil) }
            channel.writeAndFlush(NIOAny(HTTPClientRequestPart.end(nil)), promise: nil)
            return promise.futureResult
        }.get()
        return answer
    }

    func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Gathers one answer at a time into one buffer and completes its promise at its end.
private final class AnswerReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private var promise: EventLoopPromise<LoopbackHTTP.Answer>?
    private var sentAt = NIODeadline.now()
    private var status: HTTPResponseStatus = .ok
    private var body = ByteBuffer()

    func expect(_ promise: EventLoopPromise<LoopbackHTTP.Answer>, sentAt: NIODeadline) {
        self.promise = promise
        self.sentAt = sentAt
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let elapsed = NIODeadline.now() - sentAt
            promise?.succeed(.init(status: Int(status.code), body: Data(body.readableBytesView), milliseconds: Double(elapsed.nanoseconds) / 1_000_000))
            promise = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(CommandError("the server closed the connection before answering"))
        promise = nil
        context.fireChannelInactive()
    }
}

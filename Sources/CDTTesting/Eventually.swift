/// Whether `condition` holds within `timeout`, asked every 20 ms: for what another connection or process
/// makes true a little later (a notice delivered, a listener connected).
public func eventually(within timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

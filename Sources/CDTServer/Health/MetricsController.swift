import Hummingbird
import Prometheus

/// `GET /metrics`: the server's figures in Prometheus' text format, among them each module's delivery
/// lag (`cdt_module_lag_seconds`) and events delivered and parked. Counts only, no data of any province.
struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: .init(string: registry.emitToString())))
        }
    }
}

import CDTModuleKit
import Foundation

/// Charts drawn on the server as SVG: readable without JavaScript, each with a title and description for
/// screen readers, and every bar a link to its unit's drill-down.
enum SVGCharts {
    struct Bar {
        var label: String
        var value: Double?
        var text: String
        var link: String
    }

    /// Horizontal bars, one per unit, scaled to `maximum` (1 for shares).
    static func bars(_ bars: [Bar], maximum: Double, title: String, description: String, id: String) -> String {
        let rowHeight = 26, labelWidth = 230, barWidth = 420, width = labelWidth + barWidth + 90
        let height = max(1, bars.count) * rowHeight + 10
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="\(id)-title \(id)-desc" viewBox="0 0 \(width) \(height)" width="100%" class="chart">
            <title id="\(id)-title">\(HTML.escape(title))</title><desc id="\(id)-desc">\(HTML.escape(description))</desc>
            """
        for (index, bar) in bars.enumerated() {
            let y = 5 + index * rowHeight
            let length = maximum > 0 ? Int((max(0, bar.value ?? 0) / maximum * Double(barWidth)).rounded()) : 0
            svg += """
                <a href="\(HTML.escape(bar.link))"><g class="bar"><title>\(HTML.escape(bar.label)): \(HTML.escape(bar.text))</title>\
                <text x="\(labelWidth - 8)" y="\(y + 17)" text-anchor="end">\(HTML.escape(String(bar.label.prefix(32))))</text>\
                <rect x="\(labelWidth)" y="\(y + 4)" width="\(max(length, 1))" height="\(rowHeight - 8)" rx="3"></rect>\
                <text x="\(labelWidth + max(length, 1) + 6)" y="\(y + 17)">\(HTML.escape(bar.text))</text></g></a>

                """
        }
        return svg + "</svg>"
    }

    struct Point {
        var label: String
        var value: Double?
        var text: String
    }

    /// A line over time, with the first and last labels and the range of values marked.
    static func line(_ points: [Point], title: String, description: String, id: String, format: (Double) -> String) -> String {
        let width = 720, height = 260, left = 70, right = 20, top = 20, bottom = 40
        let values = points.compactMap(\.value)
        let lowest = min(0, values.min() ?? 0), highest = max(values.max() ?? 1, lowest + 1e-9)
        let plotWidth = Double(width - left - right), plotHeight = Double(height - top - bottom)
        func x(_ index: Int) -> Double { Double(left) + (points.count > 1 ? plotWidth * Double(index) / Double(points.count - 1) : plotWidth / 2) }
        func y(_ value: Double) -> Double { Double(top) + plotHeight * (1 - (value - lowest) / (highest - lowest)) }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="\(id)-title \(id)-desc" viewBox="0 0 \(width) \(height)" width="100%" class="chart">
            <title id="\(id)-title">\(HTML.escape(title))</title><desc id="\(id)-desc">\(HTML.escape(description))</desc>
            <line class="axis" x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)"></line>
            <line class="axis" x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)"></line>
            <text x="\(left - 6)" y="\(top + 4)" text-anchor="end">\(HTML.escape(format(highest)))</text>
            <text x="\(left - 6)" y="\(height - bottom)" text-anchor="end">\(HTML.escape(format(lowest)))</text>

            """
        if let first = points.first { svg += "<text x=\"\(left)\" y=\"\(height - 12)\">\(HTML.escape(first.label))</text>\n" }
        if let last = points.last, points.count > 1 { svg += "<text x=\"\(width - right)\" y=\"\(height - 12)\" text-anchor=\"end\">\(HTML.escape(last.label))</text>\n" }
        let coordinates = points.enumerated().compactMap { index, point in point.value.map { String(format: "%.1f,%.1f", x(index), y($0)) } }
        if !coordinates.isEmpty { svg += "<polyline class=\"series\" points=\"\(coordinates.joined(separator: " "))\"></polyline>\n" }
        for (index, point) in points.enumerated() {
            guard let value = point.value else { continue }
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", x(index), y(value)) + HTML.escape("\(point.label): \(point.text)") + "</title></circle>\n"
        }
        return svg + "</svg>"
    }
}

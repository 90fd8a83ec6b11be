import Foundation

/// Keeps `cdt bench run`'s report as the steps finish: prints each row of the table as soon as its figure
/// is measured and rewrites the JSON file (marked unfinished until the last step) after every step. A run
/// that stops late (a full disk at the last baseline, an interruption after an hour of catch-up) keeps
/// what it had measured.
final class RunReportKeeper {
    private(set) var report: RunReport
    private let jsonPath: String?
    private var printedRows: Set<String> = []

    init(_ report: RunReport, json jsonPath: String?) {
        self.report = report
        self.jsonPath = jsonPath
    }

    /// Applies `change`, prints the rows it added and saves the JSON.
    func update(_ change: (inout RunReport) -> Void) throws {
        change(&report)
        for row in report.figureRows where !printedRows.contains(row) {
            printedRows.insert(row)
            print("measured: " + row)
        }
        fflush(nil)  // standard output is buffered when it goes to a file: the rows are wanted now
        if let jsonPath { try report.json.write(to: URL(fileURLWithPath: jsonPath)) }
    }
}

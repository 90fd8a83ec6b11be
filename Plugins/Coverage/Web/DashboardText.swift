import CDTModuleKit

/// The page's words in both languages.
enum DashboardText {
    static let title = LocalizedName(vietnamese: "Độ phủ chuyển đổi số cộng đồng", english: "Community digital coverage")
    static let search = LocalizedName(vietnamese: "Tìm đơn vị (gõ không dấu cũng được)", english: "Find a unit (accents optional)")
    static let searchButton = LocalizedName(vietnamese: "Tìm", english: "Search")
    static let noMatch = LocalizedName(vietnamese: "Không tìm thấy đơn vị nào.", english: "No unit matches.")
    static let headline = LocalizedName(vietnamese: "Chỉ số chính", english: "Headline figures")
    static let children = LocalizedName(vietnamese: "Đơn vị trực thuộc", english: "Units below")
    static let overTime = LocalizedName(vietnamese: "Theo thời gian", english: "Over time")
    static let targets = LocalizedName(vietnamese: "Mục tiêu", english: "Targets")
    static let campaigns = LocalizedName(vietnamese: "Chiến dịch", english: "Campaigns")
    static let noChildren = LocalizedName(vietnamese: "Không có đơn vị trực thuộc.", english: "No units below this one.")
    static let noTargets = LocalizedName(vietnamese: "Chưa đặt mục tiêu.", english: "No targets set.")
    static let noCampaigns = LocalizedName(vietnamese: "Chưa có chiến dịch.", english: "No campaigns.")
    static let download = LocalizedName(vietnamese: "Tải về CSV", english: "Download CSV")
    static let apportioned = LocalizedName(
        vietnamese: "* Một phần số liệu được phân bổ theo tỷ lệ do đơn vị bị chia tách.", english: "* Part of this figure is apportioned from a split unit.")
    static let unit = LocalizedName(vietnamese: "Đơn vị", english: "Unit")
    static let deadline = LocalizedName(vietnamese: "Hạn", english: "Deadline")
    static let target = LocalizedName(vietnamese: "Mục tiêu", english: "Target")
    static let current = LocalizedName(vietnamese: "Hiện tại", english: "Current")
    static let gap = LocalizedName(vietnamese: "Còn thiếu", english: "Gap")
    static let projected = LocalizedName(vietnamese: "Dự báo đến hạn", english: "Projected at deadline")
    static let nation = LocalizedName(vietnamese: "Toàn quốc", english: "Whole country")

    static func status(_ status: TargetProgress.Status) -> LocalizedName {
        switch status {
        case .reached: LocalizedName(vietnamese: "Đã đạt", english: "Reached")
        case .onPace: LocalizedName(vietnamese: "Đúng tiến độ", english: "On pace")
        case .behind: LocalizedName(vietnamese: "Chậm tiến độ", english: "Behind pace")
        case .missed: LocalizedName(vietnamese: "Không đạt", english: "Missed")
        }
    }

    static func asOf(_ at: String, from: String?, current: Bool, language: Language) -> String {
        let period = from.map { language.pick("thay đổi từ \($0)", "change since \($0)") }
        let hierarchy = current ? language.pick("theo đơn vị hành chính hiện nay", "under today's units")
                                : language.pick("theo đơn vị hành chính tại thời điểm đó", "under the units in force then")
        return language.pick("Số liệu đến hết ngày \(at)", "Figures to the end of \(at)") + (period.map { ", " + $0 } ?? "") + ", " + hierarchy + "."
    }
}

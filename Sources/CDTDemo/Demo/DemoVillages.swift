public import Foundation
public import CDTDomain

/// Synthetic villages under real communes. Village lists are not public, so the demo makes them up,
/// realistically: wards (phường) are divided into residential groups (tổ dân phố), communes (xã) into
/// hamlets whose type word follows the region (bản in the northern mountains, ấp in the south, thôn
/// elsewhere), with place-like names, and counts that vary from small mountain communes to big wards.
public enum DemoVillages {
    /// Provinces (2025 codes) whose communes' villages are called bản (northern mountains).
    static let mountainProvinces: Set<String> = ["04", "08", "11", "12", "14", "15", "19", "20"]
    /// Provinces (2025 codes) from the south-east and the Mekong delta, whose villages are called ấp.
    static let southernProvinces: Set<String> = ["75", "79", "80", "82", "86", "91", "92", "96"]

    static let syllables = [
        "An", "Bình", "Đông", "Tây", "Nam", "Bắc", "Hòa", "Phú", "Thịnh", "Hưng", "Tân", "Lộc", "Phúc", "Thành",
        "Hạ", "Thượng", "Trung", "Yên", "Mỹ", "Long", "Vĩnh", "Thanh", "Hồng", "Quang", "Minh", "Đức", "Xuân",
        "Lạc", "Sơn", "Hải", "Khánh", "Cát", "Đồng", "Tiến", "Lợi", "Thuận", "Hiệp", "Nghĩa", "Tường", "Trà",
    ]

    /// Villages for each commune in `communes`, valid from `from`, deterministic for `seed`.
    /// - Parameter provinceCodeOf: the 2-digit code of a commune's province, which picks the type word.
    public static func generate(
        for communes: [AdministrativeUnit],
        provinceCodeOf: (AdministrativeUnit) -> String,
        from: CalendarDate,
        seed: UInt64
    ) throws -> [AdministrativeUnit] {
        var generator = SeededGenerator(seed: seed)
        let validity = try ValidityPeriod(from: from)
        var villages: [AdministrativeUnit] = []
        for commune in communes.sorted(by: { $0.code < $1.code }) {
            let province = provinceCodeOf(commune)
            let (type, count): (String, Int)
            switch commune.kind.type {
            case "Phường": (type, count) = ("Tổ dân phố", Int.random(in: 12...45, using: &generator))
            case "Đặc khu": (type, count) = ("Thôn", Int.random(in: 3...10, using: &generator))
            default:
                let word = mountainProvinces.contains(province) ? "Bản" : southernProvinces.contains(province) ? "Ấp" : "Thôn"
                (type, count) = (word, Int.random(in: 6...30, using: &generator))
            }
            var used: Set<String> = []
            for number in 1...count {
                let name: String
                if type == "Tổ dân phố" {
                    name = "Tổ dân phố \(number)"
                } else {
                    var candidate = ""
                    repeat {
                        candidate = "\(type) \(syllables.randomElement(using: &generator)!) \(syllables.randomElement(using: &generator)!)"
                    } while used.contains(candidate) || candidate.split(separator: " ").dropFirst().count != Set(candidate.split(separator: " ").dropFirst()).count
                    used.insert(candidate)
                    name = candidate
                }
                villages.append(try AdministrativeUnit(
                    id: ID(rawValue: uuid(&generator)), code: "\(commune.code).\(number)", name: name,
                    kind: UnitKind(level: .village, type: type), parentID: commune.id, validity: validity))
            }
        }
        return villages
    }

    /// A version-4-shaped UUID drawn from the generator, so ids repeat with the seed too.
    static func uuid(_ generator: inout SeededGenerator) -> UUID {
        let high = generator.next()
        let low = generator.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

import Foundation

/// A QR code (ISO/IEC 18004) for short text: byte mode, error correction level M (15% of the symbol may
/// be lost), versions 1 to 4 (up to 62 bytes: a code or a short link), the mask with the lowest penalty.
/// Rendered as SVG on the server, so a member's phone shows it without a script or a request elsewhere.
struct QRCode: Sendable {
    /// `modules[y][x]`, true for dark.
    let modules: [[Bool]]
    var size: Int { modules.count }

    struct TooLong: Error {}

    /// Per version 1–4 at level M: total codewords, error correction codewords per block, blocks.
    private static let versions: [(total: Int, ecPerBlock: Int, blocks: Int)] = [(26, 10, 1), (44, 16, 1), (70, 26, 1), (100, 18, 2)]

    init(text: String) throws {
        let bytes = Array(text.utf8)
        guard let index = Self.versions.firstIndex(where: { $0.total - $0.ecPerBlock * $0.blocks >= bytes.count + 2 }) else { throw TooLong() }
        let version = index + 1, spec = Self.versions[index]
        let dataCount = spec.total - spec.ecPerBlock * spec.blocks
        // Mode 0100 (byte), an 8-bit count, the bytes, a terminator, then pad bytes.
        var bits: [Bool] = []
        func append(_ value: Int, _ count: Int) { for i in (0..<count).reversed() { bits.append((value >> i) & 1 == 1) } }
        append(0b0100, 4)
        append(bytes.count, 8)
        for byte in bytes { append(Int(byte), 8) }
        append(0, min(4, dataCount * 8 - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) } }
        var pad: UInt8 = 0xEC
        while data.count < dataCount {
            data.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        // Blocks of equal length here (versions 1–4 at M), each with its error correction; then interleaved.
        let blockLength = dataCount / spec.blocks
        let divisor = Self.divisor(degree: spec.ecPerBlock)
        let blocks = (0..<spec.blocks).map { Array(data[$0 * blockLength..<($0 + 1) * blockLength]) }
        let corrections = blocks.map { Self.remainder($0, divisor) }
        var codewords: [UInt8] = []
        for i in 0..<blockLength { for block in blocks { codewords.append(block[i]) } }
        for i in 0..<spec.ecPerBlock { for correction in corrections { codewords.append(correction[i]) } }

        var grid = Grid(size: 17 + 4 * version)
        grid.drawFunctionPatterns(version: version)
        grid.place(codewords)
        var best: (penalty: Int, modules: [[Bool]])?
        for mask in 0..<8 {
            var candidate = grid
            candidate.apply(mask: mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, candidate.modules) }
        }
        modules = best!.modules
    }

    /// The code as an SVG image, `moduleSize` pixels a module, with the quiet zone of four modules.
    func svg(moduleSize: Int) -> String {
        let side = (size + 8) * moduleSize
        // One rectangle for each run of dark modules in a row.
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard modules[y][x] else { x += 1; continue }
                var run = 1
                while x + run < size, modules[y][x + run] { run += 1 }
                path += "M\(x + 4),\(y + 4)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(side)" height="\(side)" viewBox="0 0 \(size + 8) \(size + 8)" shape-rendering="crispEdges" role="img">\
            <rect width="100%" height="100%" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }

    // MARK: Reed–Solomon over GF(256), polynomial 0x11D

    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in (0...7).reversed() {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }

    /// The symbol while it is drawn: modules and which of them are function patterns.
    struct Grid {
        let size: Int
        var modules: [[Bool]]
        var isFunction: [[Bool]]

        init(size: Int) {
            self.size = size
            modules = Array(repeating: Array(repeating: false, count: size), count: size)
            isFunction = modules
        }

        mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
            modules[y][x] = dark
            isFunction[y][x] = true
        }

        mutating func drawFunctionPatterns(version: Int) {
            for i in 0..<size {
                set(6, i, i % 2 == 0)
                set(i, 6, i % 2 == 0)
            }
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                for dy in -4...4 {
                    for dx in -4...4 where (0..<size).contains(cx + dx) && (0..<size).contains(cy + dy) {
                        let distance = max(abs(dx), abs(dy))
                        set(cx + dx, cy + dy, distance != 2 && distance != 4)
                    }
                }
            }
            if version >= 2 {
                let centre = size - 7
                for dy in -2...2 { for dx in -2...2 { set(centre + dx, centre + dy, max(abs(dx), abs(dy)) != 1) } }
            }
            drawFormatBits(mask: 0)  // reserves the areas; drawn again for the chosen mask
        }

        mutating func drawFormatBits(mask: Int) {
            let data = (0b00 << 3) | mask  // level M is 00
            var remainder = data
            for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
            let bits = ((data << 10) | remainder) ^ 0x5412
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { set(8, i, bit(i)) }
            set(8, 7, bit(6))
            set(8, 8, bit(7))
            set(7, 8, bit(8))
            for i in 9..<15 { set(14 - i, 8, bit(i)) }
            for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
            set(8, size - 8, true)
        }

        /// Places the codewords in the zigzag of two-module columns, right to left, skipping the timing column.
        mutating func place(_ codewords: [UInt8]) {
            var i = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                for vertical in 0..<size {
                    for j in 0..<2 {
                        let x = right - j
                        let upward = (right + 1) & 2 == 0
                        let y = upward ? size - 1 - vertical : vertical
                        if !isFunction[y][x] && i < codewords.count * 8 {
                            modules[y][x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                            i += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func apply(mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !isFunction[y][x] {
                    let flip = switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: x * y % 2 + x * y % 3 == 0
                    case 6: (x * y % 2 + x * y % 3) % 2 == 0
                    default: ((x + y) % 2 + x * y % 3) % 2 == 0
                    }
                    if flip { modules[y][x].toggle() }
                }
            }
        }

        /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, and imbalance.
        func penalty() -> Int {
            var total = 0
            let lines = modules + (0..<size).map { x in modules.map { $0[x] } }
            let finderLike: [[Bool]] = [[true, false, true, true, true, false, true, false, false, false, false],
                                        [false, false, false, false, true, false, true, true, true, false, true]]
            for line in lines {
                var run = 1
                for i in 1..<size {
                    if line[i] == line[i - 1] {
                        run += 1
                    } else {
                        if run >= 5 { total += run - 2 }
                        run = 1
                    }
                }
                if run >= 5 { total += run - 2 }
                for start in 0...(size - 11) where finderLike.contains(Array(line[start..<start + 11])) { total += 40 }
            }
            for y in 0..<size - 1 {
                for x in 0..<size - 1 where modules[y][x] == modules[y][x + 1] && modules[y][x] == modules[y + 1][x] && modules[y][x] == modules[y + 1][x + 1] {
                    total += 3
                }
            }
            let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
            total += abs(dark * 20 - size * size * 10) / (size * size) * 10
            return total
        }
    }
}

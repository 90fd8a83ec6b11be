import Foundation

/// What a value would write as JSON, without writing it: the path of every field given a value other than
/// null, with its kind, as ``JSONScan/shape(of:)`` finds them in what `JSONEncoder` writes of the value.
///
/// ``JSONInput`` compares it with the fields a request gave, to refuse the ones the decoded type did not
/// understand. Writing the value out with `JSONEncoder` and scanning that again did the same at about
/// five times the cost (7% of the server's CPU for single events, docs/benchmarks.md, "Fifth round").
///
/// Values `JSONEncoder` writes as one JSON scalar although their `Encodable` conformance asks for a
/// container (`Date`, `Data`, `URL`, `Decimal`) are scalars here too.
enum JSONShapeEncoder {
    static func shape(of value: some Encodable) -> [String: JSONScan.Kind] {
        let recorder = Recorder()
        ShapeRecordingEncoder.record(value, at: "", codingPath: [], in: recorder)
        return recorder.shape
    }

    final class Recorder {
        var shape: [String: JSONScan.Kind] = [:]
    }
}

private struct ShapeRecordingEncoder: Encoder {
    let recorder: JSONShapeEncoder.Recorder
    let path: String
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Records `value` at `path`: a scalar for the types `JSONEncoder` writes as one, else whatever
    /// containers its own `encode(to:)` asks for. It never throws: what cannot be recorded is left out.
    static func record<T: Encodable>(_ value: T, at path: String, codingPath: [any CodingKey], in recorder: JSONShapeEncoder.Recorder) {
        if T.self == Date.self || T.self == Data.self || T.self == URL.self || T.self == Decimal.self {
            recorder.shape[path] = .scalar
            return
        }
        try? value.encode(to: ShapeRecordingEncoder(recorder: recorder, path: path, codingPath: codingPath))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        recorder.shape[path] = .object
        return KeyedEncodingContainer(KeyedShape<Key>(recorder: recorder, path: path, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        recorder.shape[path] = .array
        return UnkeyedShape(recorder: recorder, path: path, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueShape(recorder: recorder, path: path, codingPath: codingPath)
    }

    static func child(of path: String, _ key: some CodingKey) -> String {
        path.isEmpty ? key.stringValue : path + "." + key.stringValue
    }
}

private struct KeyedShape<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let recorder: JSONShapeEncoder.Recorder
    let path: String
    let codingPath: [any CodingKey]

    private func scalar(_ key: Key) { recorder.shape[ShapeRecordingEncoder.child(of: path, key)] = .scalar }

    mutating func encodeNil(forKey key: Key) {}
    mutating func encode(_ value: Bool, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: String, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Double, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Float, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Int, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Int8, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Int16, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Int32, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: Int64, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: UInt, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: UInt8, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: UInt16, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: UInt32, forKey key: Key) { scalar(key) }
    mutating func encode(_ value: UInt64, forKey key: Key) { scalar(key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) {
        ShapeRecordingEncoder.record(value, at: ShapeRecordingEncoder.child(of: path, key), codingPath: codingPath + [key], in: recorder)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = ShapeRecordingEncoder.child(of: path, key)
        recorder.shape[child] = .object
        return KeyedEncodingContainer(KeyedShape<NestedKey>(recorder: recorder, path: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = ShapeRecordingEncoder.child(of: path, key)
        recorder.shape[child] = .array
        return UnkeyedShape(recorder: recorder, path: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        ShapeRecordingEncoder(recorder: recorder, path: ShapeRecordingEncoder.child(of: path, SuperKey()), codingPath: codingPath + [SuperKey()])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        ShapeRecordingEncoder(recorder: recorder, path: ShapeRecordingEncoder.child(of: path, key), codingPath: codingPath + [key])
    }
}

private struct UnkeyedShape: UnkeyedEncodingContainer, ScalarRecording {
    let recorder: JSONShapeEncoder.Recorder
    let path: String
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(recorder: JSONShapeEncoder.Recorder, path: String, codingPath: [any CodingKey]) {
        self.recorder = recorder
        self.path = path
        self.codingPath = codingPath
    }

    /// The next element's path, counting it.
    private mutating func next() -> String {
        defer { count += 1 }
        return "\(path)[\(count)]"
    }

    mutating func scalar() { recorder.shape[next()] = .scalar }

    mutating func encodeNil() { count += 1 }

    mutating func encode<T: Encodable>(_ value: T) {
        let index = count
        ShapeRecordingEncoder.record(value, at: next(), codingPath: codingPath + [IndexKey(index)], in: recorder)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let index = count
        let child = next()
        recorder.shape[child] = .object
        return KeyedEncodingContainer(KeyedShape<NestedKey>(recorder: recorder, path: child, codingPath: codingPath + [IndexKey(index)]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let index = count
        let child = next()
        recorder.shape[child] = .array
        return UnkeyedShape(recorder: recorder, path: child, codingPath: codingPath + [IndexKey(index)])
    }

    mutating func superEncoder() -> any Encoder {
        let index = count
        return ShapeRecordingEncoder(recorder: recorder, path: next(), codingPath: codingPath + [IndexKey(index)])
    }
}

private struct SingleValueShape: SingleValueEncodingContainer, ScalarRecording {
    let recorder: JSONShapeEncoder.Recorder
    let path: String
    let codingPath: [any CodingKey]

    func scalar() { recorder.shape[path] = .scalar }

    /// `null` is not a field given a value: ``JSONScan`` leaves it out too.
    mutating func encodeNil() {}

    mutating func encode<T: Encodable>(_ value: T) {
        ShapeRecordingEncoder.record(value, at: path, codingPath: codingPath, in: recorder)
    }
}

/// The unkeyed and single-value containers record each primitive the same way: a scalar where the next
/// value goes. These are the primitive `encode` requirements of both protocols.
private protocol ScalarRecording {
    /// Records a scalar where the next value goes.
    mutating func scalar()
}

extension ScalarRecording {
    mutating func encode(_ value: Bool) { scalar() }
    mutating func encode(_ value: String) { scalar() }
    mutating func encode(_ value: Double) { scalar() }
    mutating func encode(_ value: Float) { scalar() }
    mutating func encode(_ value: Int) { scalar() }
    mutating func encode(_ value: Int8) { scalar() }
    mutating func encode(_ value: Int16) { scalar() }
    mutating func encode(_ value: Int32) { scalar() }
    mutating func encode(_ value: Int64) { scalar() }
    mutating func encode(_ value: UInt) { scalar() }
    mutating func encode(_ value: UInt8) { scalar() }
    mutating func encode(_ value: UInt16) { scalar() }
    mutating func encode(_ value: UInt32) { scalar() }
    mutating func encode(_ value: UInt64) { scalar() }
}

private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

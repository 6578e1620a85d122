// Reading JSON text (RFC 8259) into values that remember where they were written.

/// A JSON value with the line and column (1-based, in characters) where it starts, so that a
/// problem in a corpus file can be reported at its place.
public struct LocatedJSON: Sendable {
    /// What the value is.
    public indirect enum Value: Sendable {
        case null
        case bool(Bool)
        /// A number, with whether it was written as an integer (no fraction, no exponent).
        case number(Double, isInteger: Bool)
        case string(String)
        case array([LocatedJSON])
        /// Members in the order written; keys are unique (the reader refuses duplicates).
        case object([(key: String, value: LocatedJSON)])
    }

    /// The value.
    public var value: Value
    /// The line where the value starts.
    public var line: Int
    /// The column where the value starts.
    public var column: Int

    /// The member `key` of an object, `nil` when absent or when this is not an object.
    public subscript(key: String) -> LocatedJSON? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The string, when this is one.
    public var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// The integer, when this is a number written as an integer that fits an `Int`.
    public var integer: Int? {
        if case .number(let number, true) = value, let exact = Int(exactly: number) { return exact }
        return nil
    }

    /// The elements, when this is an array.
    public var array: [LocatedJSON]? {
        if case .array(let elements) = value { return elements }
        return nil
    }

    /// The members, when this is an object.
    public var members: [(key: String, value: LocatedJSON)]? {
        if case .object(let members) = value { return members }
        return nil
    }

    /// "line 3, column 7".
    public var place: String { "line \(line), column \(column)" }
}

/// A JSON text that is not well formed, with the place of the problem.
public struct JSONSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// Where (1-based).
    public var line: Int
    public var column: Int

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A strict reader of JSON text: one value, no byte-order mark, no duplicate keys, nesting at
/// most ``maximumDepth`` deep; every error names its line and column.
public struct JSONReader {
    /// The deepest nesting of arrays and objects accepted.
    public static let maximumDepth = 256

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0

    /// Reads `bytes` as one JSON value.
    public static func read(_ bytes: [UInt8]) throws(JSONSyntaxError) -> LocatedJSON {
        var reader = JSONReader(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw reader.error("the file starts with a byte-order mark; JSON text has none (save it as UTF-8 without a BOM)")
        }
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The column of the current position, counted in characters (UTF-8 lead bytes).
    private var column: Int {
        1 + bytes[lineStart..<position].filter { $0 & 0xC0 != 0x80 }.count
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, line: line, column: column)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
            if byte == 0x0A {
                line += 1
                lineStart = position
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard current == byte else { throw error("expected \(what)\(found)") }
        position += 1
    }

    /// ", found 'x'" for the current character, or ", found the end of the file".
    private var found: String {
        guard let byte = current else { return ", found the end of the file" }
        if byte >= 0x21 && byte < 0x7F { return ", found '\(Character(Unicode.Scalar(byte)))'" }
        return ", found the byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private mutating func readValue(depth: Int) throws(JSONSyntaxError) -> LocatedJSON {
        let (startLine, startColumn) = (line, column)
        func located(_ value: LocatedJSON.Value) -> LocatedJSON {
            LocatedJSON(value: value, line: startLine, column: startColumn)
        }
        guard let byte = current else { throw error("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
            position += 1
            var members: [(key: String, value: LocatedJSON)] = []
            var seen: Set<String> = []
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return located(.object(members))
            }
            while true {
                skipWhitespace()
                let (keyLine, keyColumn) = (line, column)
                guard current == UInt8(ascii: "\"") else { throw error("expected a key in double quotes\(found)") }
                let key = try readString()
                guard seen.insert(key).inserted else {
                    throw JSONSyntaxError(message: "the key \"\(key)\" appears twice in one object", line: keyLine, column: keyColumn)
                }
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' after the key")
                skipWhitespace()
                members.append((key, try readValue(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "',' or '}'")
                return located(.object(members))
            }
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
            position += 1
            var elements: [LocatedJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return located(.array(elements))
            }
            while true {
                skipWhitespace()
                elements.append(try readValue(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), "',' or ']'")
                return located(.array(elements))
            }
        case UInt8(ascii: "\""):
            return located(.string(try readString()))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return located(try readNumber())
        default:
            for (word, value) in [("true", LocatedJSON.Value.bool(true)), ("false", .bool(false)), ("null", .null)]
            where bytes[position...].starts(with: Array(word.utf8)) {
                position += word.utf8.count
                return located(value)
            }
            throw error("expected a value\(found)")
        }
    }

    /// A string literal, the current byte being its opening quote.
    private mutating func readString() throws(JSONSyntaxError) -> String {
        position += 1
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw error("the string before this place is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard let escaped = current else { throw error("unterminated string") }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A surrogate pair: the low half must follow.
                        guard bytes[position...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                            throw error("a high surrogate \\u escape without its low half")
                        }
                        position += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("an invalid low surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("an invalid \\u escape") }
                    utf8 += Array(String(Character(scalar)).utf8)
                default:
                    throw error("an invalid escape '\\\(Character(Unicode.Scalar(escaped)))'")
                }
            case 0..<0x20:
                throw error("a control character inside a string (write it as an escape such as \\n)")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count,
              let code = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw error("expected four hexadecimal digits after \\u") }
        position += 4
        return code
    }

    private mutating func readNumber() throws(JSONSyntaxError) -> LocatedJSON.Value {
        let start = position
        var isInteger = true
        func digits() -> Int {
            let first = position
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
            return position - first
        }
        if current == UInt8(ascii: "-") { position += 1 }
        let leading = position
        guard digits() > 0 else { throw error("expected a digit\(found)") }
        if bytes[leading] == UInt8(ascii: "0") && position - leading > 1 {
            throw error("a number with a leading zero")
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard digits() > 0 else { throw error("expected a digit after the decimal point\(found)") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent\(found)") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let number = Double(text), number.isFinite else { throw error("the number \(text) is out of range") }
        return .number(number, isInteger: isInteger)
    }
}

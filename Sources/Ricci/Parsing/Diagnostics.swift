// Errors a user can cause, with the place in the input they point at.

/// A half-open range `lowerBound..<upperBound` of character offsets into the input text.
///
/// Offsets count `Character`s (grapheme clusters), so a caret lines up under `λ` or `ᵀ` in a
/// terminal as well as under ASCII.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    /// Offset of the first character.
    public var lowerBound: Int
    /// Offset one past the last character; equal to `lowerBound` for a position.
    public var upperBound: Int

    /// The characters `lowerBound..<upperBound`.
    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = lowerBound
        self.upperBound = max(lowerBound, upperBound)
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(lowerBound, other.lowerBound), max(upperBound, other.upperBound))
    }

    public var description: String { "\(lowerBound)..<\(upperBound)" }
}

/// Which kind of failure an error is; decides the command line's exit status.
public enum ErrorCategory: Sendable {
    /// Bad usage of the command line (exit status 1).
    case usage
    /// Bad input: parse, shape or name errors (exit status 2).
    case badInput
    /// A derivative Ricci cannot take, with the reason (exit status 3).
    case unsupported

    /// The exit status of the `ricci` command for this category.
    public var exitStatus: Int32 {
        switch self {
        case .usage: return 1
        case .badInput: return 2
        case .unsupported: return 3
        }
    }
}

/// An error caused by what a user typed. Every stage throws its own type conforming to this
/// protocol (`ParseError`, `ShapeError`, `DifferentiationError`, …); `precondition` is kept
/// for Ricci's own bugs.
public protocol RicciError: Error, CustomStringConvertible, Sendable {
    /// One line saying what is wrong, without the `error:` prefix.
    var message: String { get }
    /// Where in the input the problem is, when it is in the input.
    var range: SourceRange? { get }
    /// Usage, bad input, or unsupported derivative.
    var category: ErrorCategory { get }
}

extension RicciError {
    public var description: String { message }

    /// The message, and when the error has a range, the input with carets under the range:
    ///
    /// ```
    /// error: inner dimensions differ in X*W: X is m×k, W is n×p
    ///   tr((X*W - Y)*(X*W - Y)')
    ///       ^^^
    /// ```
    ///
    /// Input of several lines shows the line of the range, with its number; control
    /// characters show as their visible symbols (`␉`, `␀`), one column each, so the caret
    /// stays under its place; a line longer than ``SourceExcerpt/width`` shows the part around
    /// the range, cut with `…`.
    public func rendered(source: String?) -> String {
        var text = "error: " + message
        if let range, let source, let excerpt = SourceExcerpt(source, range) {
            text += excerpt.text
        }
        return text
    }
}

/// The line of the input an error points at, made printable, with the carets under it.
struct SourceExcerpt {
    /// The widest excerpt of a line shown, in characters.
    static let width = 100

    /// The excerpt and the carets, each line indented by two spaces, starting with a newline.
    let text: String

    /// The excerpt of `source` around `range`; `nil` when the range lies outside it.
    init?(_ source: String, _ range: SourceRange) {
        let characters = Array(source)
        guard range.lowerBound <= characters.count else { return nil }
        // The line holding the start of the range.
        var lineStart = 0
        var lineNumber = 1
        for (offset, character) in characters.enumerated() where offset < range.lowerBound && character.isNewline {
            lineStart = offset + 1
            lineNumber += 1
        }
        var lineEnd = lineStart
        while lineEnd < characters.count, !characters[lineEnd].isNewline { lineEnd += 1 }
        let isMultiline = characters.contains(where: \.isNewline)
        var start = range.lowerBound
        var end = min(max(range.upperBound, range.lowerBound + 1), max(lineEnd, range.lowerBound + 1))
        // A long line: a window around the range.
        var shownStart = lineStart
        var shownEnd = lineEnd
        if lineEnd - lineStart > Self.width {
            shownStart = max(lineStart, min(start - Self.width / 3, lineEnd - Self.width))
            shownEnd = min(lineEnd, shownStart + Self.width)
            start = min(start, shownEnd)
            end = min(end, max(shownEnd, start + 1))
        }
        var line = shownStart > lineStart ? "…" : ""
        let offset = line.count - shownStart
        line += characters[shownStart..<shownEnd].map(Self.printable).joined()
        if shownEnd < lineEnd { line += "…" }
        let prefix = isMultiline ? "line \(lineNumber), column \(range.lowerBound - lineStart + 1):\n  " : ""
        text = "\n  " + prefix + line + "\n  "
            + String(repeating: " ", count: start + offset)
            + String(repeating: "^", count: max(1, end - start))
    }

    /// A character as one visible column: a control character as its control picture
    /// (`␀`…`␟`, `␡`), anything else as itself.
    static func printable(_ character: Character) -> String {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else {
            return String(character)
        }
        switch scalar.value {
        case 0..<0x20: return String(Character(Unicode.Scalar(0x2400 + scalar.value)!))
        case 0x7F: return "␡"
        case 0x80..<0xA0: return "�"
        default: return String(character)
        }
    }
}

/// A problem with the command line itself (unknown option, missing argument).
public struct UsageError: RicciError {
    public let message: String
    public var range: SourceRange? { nil }
    public var category: ErrorCategory { .usage }

    /// An error with this message.
    public init(_ message: String) { self.message = message }
}

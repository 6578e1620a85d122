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
    public func rendered(source: String?) -> String {
        var text = "error: " + message
        if let range, let source, !source.contains("\n") {
            let width = max(1, range.upperBound - range.lowerBound)
            text += "\n  " + source + "\n  "
                + String(repeating: " ", count: range.lowerBound)
                + String(repeating: "^", count: width)
        }
        return text
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

// Errors of numeric evaluation: unknown names, shapes that do not fit at run time, bad sizes.

/// An error raised while evaluating a ``MatrixExpr`` at concrete values or drawing a test
/// point: something the input caused (an unknown variable or dimension, shapes that do not
/// fit), never a bug of Ricci. Its category is always ``ErrorCategory/badInput``.
///
/// Shapes in messages are concrete sizes such as `3×2`, because evaluation happens after
/// dimension symbols have been given sizes.
public struct EvaluationError: RicciError, Hashable {
    /// What went wrong.
    public enum Reason: Hashable, Sendable {
        /// A variable has no value.
        case unknownVariable(String)
        /// A dimension symbol has no size.
        case unknownDimension(String)
        /// A size outside `1...Evaluator.maximumDimension`.
        case invalidSize(dimension: String, size: Int)
        /// A value would have more than `Evaluator.maximumEntryCount` entries.
        case tooLarge(rows: Int, columns: Int)
        /// A variable's value is not a scalar, a vector or a matrix (order above 2).
        case invalidValue(name: String, shape: [Int])
        /// The operands of a binary operation do not fit: `operation` is the operator as
        /// written (`+`, `*`, `.*`), the shapes are `[rows, columns]`.
        case shapeMismatch(operation: String, left: [Int], right: [Int])
        /// A function or operator that needs a square matrix got another shape.
        case notSquare(operation: String, shape: [Int])
        /// An operand that must be a scalar (`1×1`) is not.
        case notScalar(operation: String, shape: [Int])
        /// An operand that must be a column vector is not.
        case notVector(operation: String, shape: [Int])
        /// A property (`symmetric`, `spd`, `diagonal`) declared on a non-square variable.
        case propertyOnNonSquare(name: String, property: MatrixProperty, shape: Shape)
    }

    /// What went wrong.
    public let reason: Reason

    /// An error for `reason`.
    public init(_ reason: Reason) { self.reason = reason }

    /// One line saying what is wrong, naming the operation and the concrete shapes.
    public var message: String {
        switch reason {
        case .unknownVariable(let name):
            return "no value for the variable \(name)"
        case .unknownDimension(let name):
            return "no size for the dimension \(name)"
        case .invalidSize(let dimension, let size):
            return "the dimension \(dimension) has size \(size), outside 1…\(Evaluator.maximumDimension)"
        case .tooLarge(let rows, let columns):
            return "a \(rows)×\(columns) value is too large to evaluate"
                + " (more than \(Evaluator.maximumEntryCount) entries)"
        case .invalidValue(let name, let shape):
            return "the value of \(name) has shape \(Self.format(shape)); a value is a scalar, a vector or a matrix"
        case .shapeMismatch(let operation, let left, let right):
            return "shapes do not fit in \(operation): \(Self.format(left)) and \(Self.format(right))"
        case .notSquare(let operation, let shape):
            return "\(operation) needs a square matrix, not \(Self.format(shape))"
        case .notScalar(let operation, let shape):
            return "\(operation) needs a scalar, not \(Self.format(shape))"
        case .notVector(let operation, let shape):
            return "\(operation) needs a column vector, not \(Self.format(shape))"
        case .propertyOnNonSquare(let name, let property, let shape):
            return "\(name) is declared \(property.rawValue) but its shape \(shape.rows)×\(shape.columns) is not square"
        }
    }

    /// Always nil: evaluation works on trees, which carry no positions in the input.
    public var range: SourceRange? { nil }

    /// Always ``ErrorCategory/badInput``.
    public var category: ErrorCategory { .badInput }

    /// `3×2` for `[3, 2]`; `scalar` for `[]`.
    static func format(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }
}

// The catalog of shape errors: sub-expressions whose shapes do not fit together.

/// An expression whose shapes do not fit, or that uses a name the environment does not know.
///
/// Messages name the offending sub-expression by its source text when the expression was
/// parsed (`X*W`), by its plain form otherwise, and give the shapes involved as
/// ``Shape/description`` writes them (`m×k`, `n` for a vector, `scalar`). The range is that
/// sub-expression's, when there is a source.
public struct ShapeError: RicciError, Hashable {
    /// A sub-expression and its shape, as a message shows them.
    public struct Operand: Hashable, Sendable {
        /// The sub-expression's text; a sum that is an operand is in parentheses.
        public let text: String
        /// Its shape; dimensions not yet inferred carry the names they would get.
        public let shape: Shape

        /// `text` with `shape`.
        public init(text: String, shape: Shape) {
            self.text = text
            self.shape = shape
        }
    }

    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// `A + B`, `A - B`, `A .* B`, `A ./ B`, `max(A, B)` or `min(A, B)` with shapes that do
        /// not broadcast (an axis of different sizes, neither of them 1).
        case mismatch(expression: String, left: Operand, right: Operand)
        /// `A * B` where `A`'s columns are not `B`'s rows (and neither is a scalar).
        case innerDimensions(expression: String, left: Operand, right: Operand)
        /// `A / B` with a non-scalar `B`.
        case divisorNotScalar(expression: String, divisor: Operand)
        /// `A ^ c` with an `A` that is neither a scalar nor a square matrix, or `A ^ t` with a
        /// non-scalar `A` and an exponent that is not a constant.
        case powerOfNonScalar(expression: String, base: Operand)
        /// `X ^ c` with a square matrix `X` and an exponent that is not an integer.
        case matrixPowerNotInteger(expression: String, base: Operand)
        /// `s ^ t` or `A .^ t` with an exponent `t` that is not a scalar.
        case exponentNotScalar(expression: String, exponent: Operand)
        /// `ones()`, `zeros()` or `I()` where nothing gives the size.
        case sizeNotInferred(constant: String, reason: String)
        /// `tr`, `det`, `logdet`, `inv` or `diagv` of a matrix that is not square.
        case notSquare(function: String, expression: String, argument: Operand)
        /// `diagm` of something that is not a vector or a row vector.
        case notColumnVector(function: String, expression: String, argument: Operand)
        /// A variable the environment has no shape for.
        case undefinedVariable(String)
        /// A declared function (of this kind) used without a declaration.
        case undeclaredFunction(String, DeclaredFunctionKind)
        /// A declared function's name used as a variable.
        case functionUsedAsVariable(String)
    }

    /// What went wrong.
    public let kind: Kind
    /// The offending sub-expression's range in the source, when there is a source.
    public let range: SourceRange?
    /// What the kind rules of undeclared names made of the names involved, with the
    /// declaration that would change it (`theta was taken as a scalar (a Greek name); declare
    /// it with --var theta:n`); `nil` when no default was involved.
    public var note: String?

    /// An error of `kind` at `range`.
    public init(_ kind: Kind, at range: SourceRange?, note: String? = nil) {
        self.kind = kind
        self.range = range
        self.note = note
    }

    /// Shape errors are bad input (exit status 2).
    public var category: ErrorCategory { .badInput }

    /// The one-line message, with the note on defaults when there is one.
    public var message: String {
        guard let note else { return kindMessage }
        return kindMessage + "; " + note
    }

    /// The message of ``kind`` alone.
    private var kindMessage: String {
        switch kind {
        case .mismatch(let expression, let left, let right):
            return "shapes do not fit in \(expression): \(Self.describe(left)), \(Self.describe(right)) "
                + "(an axis may differ only where one side has size 1)"
        case .innerDimensions(let expression, let left, let right):
            return "inner dimensions differ in \(expression): \(Self.describe(left)), \(Self.describe(right))"
        case .divisorNotScalar(let expression, let divisor):
            return "the divisor must be a scalar in \(expression): \(Self.describe(divisor)); "
                + "use ./ for entry-wise division"
        case .powerOfNonScalar(let expression, let base):
            return "^ needs a scalar or a square matrix as its base in \(expression): \(Self.describe(base)); "
                + "use .^ for an entry-wise power"
        case .matrixPowerNotInteger(let expression, let base):
            return "a matrix power needs an integer exponent in \(expression): \(Self.describe(base)); "
                + "use .^ for an entry-wise power"
        case .exponentNotScalar(let expression, let exponent):
            return "the exponent must be a scalar in \(expression): \(Self.describe(exponent))"
        case .sizeNotInferred(let constant, let reason):
            return "cannot infer the size of \(constant): \(reason)"
        case .notSquare(let function, let expression, let argument):
            return "\(function) needs a square matrix in \(expression): \(Self.describe(argument))"
        case .notColumnVector(let function, let expression, let argument):
            return "\(function) needs a vector or a row vector in \(expression): \(Self.describe(argument))"
        case .undefinedVariable(let name):
            return "unknown variable \(name): the environment has no shape for it"
        case .undeclaredFunction(let name, let kind):
            return "function \(name) is used but not declared; declare it with --func \(name):\(kind.rawValue)"
        case .functionUsedAsVariable(let name):
            return "\(name) is a declared function, not a variable"
        }
    }

    /// `X is m×k`.
    private static func describe(_ operand: Operand) -> String {
        "\(operand.text) is \(operand.shape)"
    }

    // MARK: Catalog

    static func mismatch(_ expression: String, _ left: Operand, _ right: Operand, at range: SourceRange?)
        -> ShapeError
    {
        .init(.mismatch(expression: expression, left: left, right: right), at: range)
    }

    static func matrixPowerNotInteger(_ expression: String, base: Operand, at range: SourceRange?) -> ShapeError {
        .init(.matrixPowerNotInteger(expression: expression, base: base), at: range)
    }

    static func exponentNotScalar(_ expression: String, exponent: Operand, at range: SourceRange?) -> ShapeError {
        .init(.exponentNotScalar(expression: expression, exponent: exponent), at: range)
    }

    static func sizeNotInferred(_ constant: String, reason: String, at range: SourceRange?) -> ShapeError {
        .init(.sizeNotInferred(constant: constant, reason: reason), at: range)
    }

    static func innerDimensions(
        _ expression: String, _ left: Operand, _ right: Operand, at range: SourceRange?
    ) -> ShapeError {
        .init(.innerDimensions(expression: expression, left: left, right: right), at: range)
    }

    static func divisorNotScalar(_ expression: String, divisor: Operand, at range: SourceRange?)
        -> ShapeError
    {
        .init(.divisorNotScalar(expression: expression, divisor: divisor), at: range)
    }

    static func powerOfNonScalar(_ expression: String, base: Operand, at range: SourceRange?)
        -> ShapeError
    {
        .init(.powerOfNonScalar(expression: expression, base: base), at: range)
    }

    static func notSquare(
        _ function: String, _ expression: String, argument: Operand, at range: SourceRange?
    ) -> ShapeError {
        .init(.notSquare(function: function, expression: expression, argument: argument), at: range)
    }

    static func notColumnVector(
        _ function: String, _ expression: String, argument: Operand, at range: SourceRange?
    ) -> ShapeError {
        .init(.notColumnVector(function: function, expression: expression, argument: argument), at: range)
    }

    static func undefinedVariable(_ name: String, at range: SourceRange?) -> ShapeError {
        .init(.undefinedVariable(name), at: range)
    }

    static func undeclaredFunction(_ name: String, _ kind: DeclaredFunctionKind, at range: SourceRange?)
        -> ShapeError
    {
        .init(.undeclaredFunction(name, kind), at: range)
    }

    static func functionUsedAsVariable(_ name: String, at range: SourceRange?) -> ShapeError {
        .init(.functionUsedAsVariable(name), at: range)
    }
}

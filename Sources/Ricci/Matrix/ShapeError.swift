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
        /// `A + B`, `A - B`, `A .* B` or `A ./ B` with different shapes.
        case mismatch(expression: String, left: Operand, right: Operand)
        /// `A + s` or `A - s` with a scalar `s` and a non-scalar `A`.
        case scalarAndNonScalar(expression: String, scalar: Operand, other: Operand)
        /// `A * B` where `A`'s columns are not `B`'s rows (and neither is a scalar).
        case innerDimensions(expression: String, left: Operand, right: Operand)
        /// `A / B` with a non-scalar `B`.
        case divisorNotScalar(expression: String, divisor: Operand)
        /// `A ^ c` with a non-scalar `A`.
        case powerOfNonScalar(expression: String, base: Operand)
        /// `tr`, `det`, `logdet`, `inv` or `diagv` of a matrix that is not square.
        case notSquare(function: String, expression: String, argument: Operand)
        /// `diagm` of something that is not a column vector.
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

    /// An error of `kind` at `range`.
    public init(_ kind: Kind, at range: SourceRange?) {
        self.kind = kind
        self.range = range
    }

    /// Shape errors are bad input (exit status 2).
    public var category: ErrorCategory { .badInput }

    /// The one-line message.
    public var message: String {
        switch kind {
        case .mismatch(let expression, let left, let right):
            return "shapes differ in \(expression): \(Self.describe(left)), \(Self.describe(right))"
        case .scalarAndNonScalar(let expression, let scalar, let other):
            let ones = PlainPrinter.print(.ones(other.shape.rows, other.shape.columns))
            return "cannot add a scalar and a non-scalar in \(expression): \(Self.describe(scalar)), "
                + "\(Self.describe(other)); to put \(scalar.text) in every entry, write \(scalar.text)*\(ones)"
        case .innerDimensions(let expression, let left, let right):
            return "inner dimensions differ in \(expression): \(Self.describe(left)), \(Self.describe(right))"
        case .divisorNotScalar(let expression, let divisor):
            return "the divisor must be a scalar in \(expression): \(Self.describe(divisor)); "
                + "use ./ for entry-wise division"
        case .powerOfNonScalar(let expression, let base):
            return "^ needs a scalar base in \(expression): \(Self.describe(base)); "
                + "use .^ for an entry-wise power"
        case .notSquare(let function, let expression, let argument):
            return "\(function) needs a square matrix in \(expression): \(Self.describe(argument))"
        case .notColumnVector(let function, let expression, let argument):
            return "\(function) needs a column vector in \(expression): \(Self.describe(argument))"
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

    static func scalarAndNonScalar(
        _ expression: String, scalar: Operand, other: Operand, at range: SourceRange?
    ) -> ShapeError {
        .init(.scalarAndNonScalar(expression: expression, scalar: scalar, other: other), at: range)
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

// Dimensions and shapes of matrix expressions.

/// One dimension of a shape: a symbol such as `m`, a literal size such as `3`, or the
/// product `m·n` of two dimensions (an axis of a Kronecker product or of `vec`).
///
/// Symbols are distinct from each other and from every literal (`m ≠ n`, `m ≠ 3`), as in
/// SymPy's `MatrixSymbol('X', m, n)`. A literal 1 means the axis is absent: an `m×1` shape is
/// a column vector, `1×1` a scalar. A product keeps its factors and their order (`m·n ≠ n·m`,
/// `2·3 ≠ 6`): position `a·|n| + b` of an axis `m·n` is the pair `(a, b)`, `a` ranging over
/// `m` and `b` over `n` (the second factor runs fastest), which is how index notation splits
/// such an axis into one index per factor.
public enum Dimension: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A literal size.
    case fixed(Int)
    /// A dimension symbol.
    case named(String)
    /// `outer·inner`: an axis whose positions are pairs, the inner index running fastest.
    indirect case product(Dimension, Dimension)

    /// The size 1: the dimension of an absent axis.
    public static let one = Dimension.fixed(1)

    /// True for the literal 1.
    public var isOne: Bool {
        // A pattern, not `== .one`: this is asked for at every shape query of a derivation.
        if case .fixed(1) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .fixed(let size): return String(size)
        case .named(let name): return name
        case .product(let outer, let inner): return "\(outer)·\(inner)"
        }
    }

    /// The factors of a product dimension, flattened in order (`(m·n)·k` is `[m, n, k]`);
    /// `[self]` for a symbol or a literal. Index notation gives an axis one index per
    /// component.
    public var components: [Dimension] {
        guard case .product(let outer, let inner) = self else { return [self] }
        return outer.components + inner.components
    }

    /// `a·b`, with `1·b = b` and `a·1 = a` (an axis of size 1 is no axis).
    public static func times(_ a: Dimension, _ b: Dimension) -> Dimension {
        if a.isOne { return b }
        if b.isOne { return a }
        return .product(a, b)
    }

    /// The number of indices of an axis of this size in index notation: 0 for 1, the
    /// number of components otherwise.
    public var indexCount: Int {
        switch self {
        case .fixed(1): return 0
        case .fixed, .named: return 1
        case .product(let outer, let inner): return outer.indexCount + inner.indexCount
        }
    }

    /// True for a product dimension.
    public var isProduct: Bool {
        if case .product = self { return true }
        return false
    }
}

/// The shape `rows × columns` of a matrix expression.
///
/// Vectors are columns (`n×1`); a `1×n` shape is a row vector (a transposed column); a `1×1`
/// shape is a scalar, so `a'*X*b` is a scalar.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// Number of rows.
    public var rows: Dimension
    /// Number of columns.
    public var columns: Dimension

    /// `rows × columns`.
    public init(_ rows: Dimension, _ columns: Dimension) {
        self.rows = rows
        self.columns = columns
    }

    /// The shape of a scalar, `1×1`.
    public static let scalar = Shape(.one, .one)

    /// A column vector of length `length`.
    public static func vector(_ length: Dimension) -> Shape { Shape(length, .one) }

    /// What a shape is, as a user speaks of it.
    public enum Kind: String, Sendable {
        case scalar, vector, rowVector = "row vector", matrix
    }

    /// Scalar (`1×1`), vector (`n×1`), row vector (`1×n`) or matrix.
    public var kind: Kind {
        switch (rows.isOne, columns.isOne) {
        case (true, true): return .scalar
        case (false, true): return .vector
        case (true, false): return .rowVector
        case (false, false): return .matrix
        }
    }

    /// True for `1×1`.
    public var isScalar: Bool { rows.isOne && columns.isOne }
    /// True when rows and columns are the same dimension.
    public var isSquare: Bool { rows == columns }

    /// `columns × rows`.
    public var transposed: Shape { Shape(columns, rows) }

    /// How many axes are present: 0 for a scalar, 1 for a vector or row vector, 2 for a matrix.
    public var axisCount: Int { (rows.isOne ? 0 : 1) + (columns.isOne ? 0 : 1) }

    /// The dimensions of the axes that are present (not 1): `[]` for a scalar, `[n]` for a
    /// vector or a row vector, `[m, n]` for a matrix.
    public var axes: [Dimension] {
        switch (rows.isOne, columns.isOne) {
        case (true, true): return []
        case (false, true): return [rows]
        case (true, false): return [columns]
        case (false, false): return [rows, columns]
        }
    }

    /// The ranges of the indices of an entry in index notation: the ``axes``, each product
    /// axis split into its ``Dimension/components`` (`vec(X)` of an `m×n` `X` is indexed by
    /// `[n, m]`, a Kronecker product `(m·p)×(n·q)` by `[m, p, n, q]`).
    public var indexRanges: [Dimension] {
        let axes = self.axes
        guard axes.contains(where: \.isProduct) else { return axes }
        return axes.flatMap(\.components)
    }

    /// The shape of a broadcasting operation on `a` and `b` (NumPy's rule on two axes): an
    /// axis that is 1 on one side takes the other side's size. The shapes must broadcast.
    public static func broadcast(_ a: Shape, _ b: Shape) -> Shape {
        Shape(a.rows.isOne ? b.rows : a.rows, a.columns.isOne ? b.columns : a.columns)
    }

    /// The number of indices of an entry in index notation (``indexRanges``).
    public var indexCount: Int { rows.indexCount + columns.indexCount }

    /// True when an axis is a product of dimensions (a Kronecker product, `vec`).
    public var hasProductAxis: Bool { rows.isProduct || columns.isProduct }

    /// `m×n`, `n` for a vector, `1×n` for a row vector, `scalar`; a product axis in
    /// parentheses (`(m·n)×k`).
    public var description: String {
        func axis(_ dimension: Dimension) -> String {
            dimension.isProduct ? "(\(dimension))" : dimension.description
        }
        switch kind {
        case .scalar: return "scalar"
        case .vector: return axis(rows)
        case .rowVector, .matrix: return "\(axis(rows))×\(axis(columns))"
        }
    }
}

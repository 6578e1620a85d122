// Dimensions and shapes of matrix expressions.

/// One dimension of a shape: a symbol such as `m`, or a literal size such as `3`.
///
/// Symbols are distinct from each other and from every literal (`m ≠ n`, `m ≠ 3`), as in
/// SymPy's `MatrixSymbol('X', m, n)`. A literal 1 means the axis is absent: an `m×1` shape is
/// a column vector, `1×1` a scalar.
public enum Dimension: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A literal size.
    case fixed(Int)
    /// A dimension symbol.
    case named(String)

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
        }
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
    /// vector or a row vector, `[m, n]` for a matrix. These are the ranges of the indices of
    /// an entry in index notation.
    public var axes: [Dimension] {
        switch (rows.isOne, columns.isOne) {
        case (true, true): return []
        case (false, true): return [rows]
        case (true, false): return [columns]
        case (false, false): return [rows, columns]
        }
    }

    /// `m×n`, `n` for a vector, `1×n` for a row vector, `scalar`.
    public var description: String {
        switch kind {
        case .scalar: return "scalar"
        case .vector: return rows.description
        case .rowVector, .matrix: return "\(rows)×\(columns)"
        }
    }
}

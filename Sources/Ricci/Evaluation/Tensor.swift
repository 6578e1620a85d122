// Dense row-major tensors of Doubles: the values of numeric evaluation and of Jacobians.

import Foundation

/// A dense tensor of `Double`s stored in row-major order: the entry at `[i₀, i₁, …]` is
/// `scalars[((i₀·n₁ + i₁)·n₂ + i₂)…]` for `shape == [n₀, n₁, n₂, …]`.
///
/// Ricci uses orders 0 to 4: values of expressions are order 2 (`rows × columns`, a vector
/// `n×1`, a scalar `1×1`, as in the language), and a Jacobian has the axes of the function's
/// value followed by those of the variable (see ``axes``), so at most 2 + 2.
///
/// Equality compares shapes and entries with `Double`'s `==`, so a tensor with a NaN entry is
/// not equal to itself; compare numbers with ``relativeDistance(to:)``.
///
/// Invariant: `scalars.count` is the product of `shape` (1 for order 0), every size ≥ 0.
/// Violating it is a bug of Ricci, checked with `precondition`; evaluation checks shapes that
/// come from the user before it builds or indexes a tensor.
public struct Tensor: Hashable, Sendable {
    /// The size of each axis.
    public var shape: [Int]
    /// The entries in row-major order.
    public var scalars: [Double]

    /// A tensor of `shape` with these entries in row-major order.
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative size in \(shape)")
        precondition(Tensor.count(of: shape) == scalars.count,
                      "\(scalars.count) scalars for shape \(shape)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every entry `repeating`.
    public init(shape: [Int], repeating value: Double) {
        self.init(shape: shape, scalars: Array(repeating: value, count: Tensor.count(of: shape)))
    }

    /// The order-2 tensor with these rows; every row must have the same length.
    public static func matrix(_ rows: [[Double]]) -> Tensor {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows of different lengths")
        return Tensor(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A column vector `n×1` with these entries (order 2, as values of the language are).
    public static func vector(_ entries: [Double]) -> Tensor {
        Tensor(shape: [entries.count, 1], scalars: entries)
    }

    /// The scalar `value` as a value of the language: a `1×1` tensor.
    public static func scalar(_ value: Double) -> Tensor {
        Tensor(shape: [1, 1], scalars: [value])
    }

    /// The `n×n` identity: `I[i,j] = δ[i,j]`.
    public static func identity(_ n: Int) -> Tensor {
        var result = Tensor(shape: [n, n], repeating: 0)
        for i in 0..<n { result.scalars[i * n + i] = 1 }
        return result
    }

    /// The number of entries of a tensor of `shape`: the product of the sizes (1 for `[]`).
    static func count(of shape: [Int]) -> Int {
        shape.reduce(1, *)
    }

    // MARK: - Entries

    /// The number of axes.
    public var order: Int { shape.count }

    /// The number of entries.
    public var count: Int { scalars.count }

    /// The position in ``scalars`` of the entry at `indices` (one per axis, each in range).
    func offset(of indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "\(indices.count) indices for order \(shape.count)")
        var offset = 0
        for (index, size) in zip(indices, shape) {
            precondition(index >= 0 && index < size, "index \(index) out of 0..<\(size)")
            offset = offset * size + index
        }
        return offset
    }

    /// The entry at `indices`, one per axis.
    public subscript(_ indices: Int...) -> Double {
        get { scalars[offset(of: indices)] }
        set { scalars[offset(of: indices)] = newValue }
    }

    /// Rows of an order-2 tensor.
    public var rows: Int {
        precondition(order == 2, "rows of an order-\(order) tensor")
        return shape[0]
    }

    /// Columns of an order-2 tensor.
    public var columns: Int {
        precondition(order == 2, "columns of an order-\(order) tensor")
        return shape[1]
    }

    /// True for a `1×1` tensor: a scalar value of the language.
    public var isScalarValue: Bool { shape == [1, 1] }

    /// The only entry of a tensor with one entry (`1×1`, order 0, …).
    public var scalarValue: Double {
        precondition(count == 1, "scalarValue of a tensor with \(count) entries")
        return scalars[0]
    }

    /// The axes that are present in an order-2 value, as ``Shape/axes`` gives them for a
    /// shape: `[]` for `1×1`, `[n]` for `n×1` or `1×n`, `[m, n]` otherwise. These are the
    /// ranges of the indices of an entry in index notation, and the axes a Jacobian keeps.
    public var axes: [Int] {
        precondition(order == 2, "axes of an order-\(order) tensor")
        return Tensor.axes(rows: shape[0], columns: shape[1])
    }

    /// The axes present in a `rows × columns` value: the sizes that are not 1, in order.
    public static func axes(rows: Int, columns: Int) -> [Int] {
        [rows, columns].filter { $0 != 1 }
    }

    // MARK: - Reshaping

    /// The same entries in the same row-major order, with every axis of size 1 removed
    /// (`3×1 → [3]`, `1×1 → []`). For an order-2 value this gives its ``axes``.
    public func squeezed() -> Tensor {
        Tensor(shape: shape.filter { $0 != 1 }, scalars: scalars)
    }

    /// The same entries in the same row-major order under another shape with as many entries.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    // MARK: - Entry-wise arithmetic

    /// `f` applied to every entry.
    public func map(_ transform: (Double) -> Double) -> Tensor {
        Tensor(shape: shape, scalars: scalars.map(transform))
    }

    /// `f(self[i], other[i])` entry by entry; the shapes must be equal.
    public func zipWith(_ other: Tensor, _ combine: (Double, Double) -> Double) -> Tensor {
        precondition(shape == other.shape, "entry-wise operation on \(shape) and \(other.shape)")
        return Tensor(shape: shape, scalars: zip(scalars, other.scalars).map(combine))
    }

    /// `A + B` entry by entry; equal shapes.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, +) }

    /// `A − B` entry by entry; equal shapes.
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipWith(rhs, -) }

    /// `−A`.
    public static prefix func - (value: Tensor) -> Tensor { value.map { -$0 } }

    /// `c·A`.
    public static func * (lhs: Double, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }

    // MARK: - Norms and comparison

    /// The Frobenius norm `‖A‖_F = (Σ A[i…]²)^½`: the Euclidean norm of all entries. The
    /// squares are summed relative to the largest entry, so that entries near the largest
    /// `Double` (whose squares overflow) give their norm, not infinity; NaN when an entry is.
    public var frobeniusNorm: Double {
        var largest = 0.0
        for value in scalars {
            if value.isNaN { return .nan }
            largest = Swift.max(largest, Swift.abs(value))
        }
        guard largest > 0, largest.isFinite else { return largest }
        // Within [1e-100, 1e100] no square overflows or underflows: sum them directly.
        if largest < 1e100 && largest > 1e-100 { return scalars.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return largest * scalars.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }.squareRoot()
    }

    /// True when every entry is finite (neither infinite nor NaN).
    public var isFinite: Bool { scalars.allSatisfy(\.isFinite) }

    /// `‖a − b‖_F / max(‖a‖_F, ‖b‖_F)`, and 0 when both norms are below `1e-10` (two
    /// tensors that are both numerically zero agree); as `rel_err` of the corpus checker.
    ///
    /// Symmetric in its two arguments. NaN when an entry of either is NaN or infinite, and
    /// infinity when the shapes differ, so that a test `distance <= tolerance` fails in both
    /// cases instead of passing or crashing.
    public func relativeDistance(to other: Tensor) -> Double {
        guard shape == other.shape else { return .infinity }
        guard isFinite, other.isFinite else { return .nan }
        let scale = Swift.max(frobeniusNorm, other.frobeniusNorm)
        if scale < 1e-10 { return 0 }
        return (self - other).frobeniusNorm / scale
    }
}

extension Tensor: CustomStringConvertible {
    /// Matrices as rows in brackets (`[[1.0, 2.0], [3.0, 4.0]]`), other orders as the shape
    /// followed by the row-major entries.
    public var description: String {
        if order == 2 {
            let lines = (0..<shape[0]).map { i in
                "[" + (0..<shape[1]).map { j in String(scalars[i * shape[1] + j]) }
                    .joined(separator: ", ") + "]"
            }
            return "[" + lines.joined(separator: ", ") + "]"
        }
        return "Tensor(shape: \(shape), scalars: \(scalars))"
    }
}

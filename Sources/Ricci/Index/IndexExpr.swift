// The index layer: sums of products of indexed factors, with explicit Kronecker deltas.

/// An index of index notation: a name (a number; printing gives it a letter) ranging over a
/// dimension.
///
/// Indices of one derivation come from one ``IndexAllocator``, so a fresh index never equals
/// one in use. Canonical forms rename summed indices to negative names (`-1, -2, …`), which
/// fresh indices (non-negative) never take.
///
/// The dimension is kept as its number in the allocator's list of ranges
/// (``IndexContext/range(of:)`` reads it back): an index is then two integers, and factors,
/// which hold indices, are plain values that copy without reference counting.
struct Index: Hashable, Comparable {
    /// The name.
    let id: Int32
    /// The number of the dimension the index ranges over, in its allocator's list.
    let rangeNumber: Int32

    static func < (a: Index, b: Index) -> Bool { a.id < b.id }

    // A name always ranges over the same dimension, so equality and hashing look at the name
    // alone.
    static func == (a: Index, b: Index) -> Bool { a.id == b.id }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// Hands out fresh indices for one derivation, and numbers the dimensions they range over.
struct IndexAllocator {
    private var next: Int32 = 0
    /// The dimensions indices range over, by number. A derivation has a handful, so they are
    /// found by a linear search.
    private(set) var ranges: [Dimension] = []

    /// The number of `range`, given one if it is new.
    mutating func number(of range: Dimension) -> Int32 {
        if let known = ranges.firstIndex(of: range) { return Int32(known) }
        ranges.append(range)
        return Int32(ranges.count - 1)
    }

    /// An index never handed out before.
    mutating func fresh(_ range: Dimension) -> Index {
        fresh(rangeNumber: number(of: range))
    }

    /// An index never handed out before, over the dimension numbered `rangeNumber`.
    mutating func fresh(rangeNumber: Int32) -> Index {
        defer { next += 1 }
        return Index(id: next, rangeNumber: rangeNumber)
    }

    /// Fresh indices for the axes of a shape (`[]`, `[n]` or `[m, n]`; one per component of
    /// a product axis, ``Shape/indexRanges``).
    mutating func fresh(for shape: Shape) -> [Index] {
        shape.indexRanges.map { fresh($0) }
    }

    /// The dimension `index` ranges over.
    func range(of index: Index) -> Dimension { ranges[Int(index.rangeNumber)] }
}

/// ``Index`` under another name, for ``IndexList``, inside which `Index` means a position.
typealias IndexName = Index

/// The indices of one factor: none, one or two, kept inline so that building, copying and
/// renaming factors allocates nothing (factors are the most numerous values of a derivation).
struct IndexList: Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    private var first: IndexName?
    private var second: IndexName?

    /// The indices of `sequence`, which has at most two.
    init<S: Sequence<IndexName>>(_ sequence: S) {
        var iterator = sequence.makeIterator()
        first = iterator.next()
        second = iterator.next()
        precondition(iterator.next() == nil, "a factor carries at most two indices")
    }

    init(arrayLiteral elements: IndexName...) { self.init(elements) }

    var startIndex: Int { 0 }
    var endIndex: Int { second != nil ? 2 : first != nil ? 1 : 0 }

    subscript(position: Int) -> IndexName {
        guard let index = position == 0 ? first : position == 1 ? second : nil else {
            preconditionFailure("index \(position) of a list of \(count)")
        }
        return index
    }

    /// The two indices in the other order (a list of fewer as it is).
    var swapped: IndexList {
        var result = self
        if let second { (result.first, result.second) = (second, first) }
        return result
    }

    /// The list with every index renamed by `rename`.
    func map(_ rename: (IndexName) -> IndexName) -> IndexList {
        var renamed = self
        renamed.first = first.map(rename)
        renamed.second = second.map(rename)
        return renamed
    }
}

/// One factor of a product term: an entry of a matrix expression raised to a constant
/// power, or a Kronecker delta.
///
/// `entry(M, [i, j], c)` is `M[i,j]^c`, the entry of the interned expression `M` (indices as
/// many as `M`'s shape has axes: none for a scalar, one for a vector or row vector, two for a
/// matrix); `c` is an element-wise power, so `M[i,j]^-1` is an entry of `1 ./ M`.
/// `delta(i, j)` is `δ[i,j]`, 1 when `i = j` and 0 otherwise.
enum Factor: Hashable {
    case entry(ExprID, IndexList, exponent: Rational)
    case delta(Index, Index)

    /// The indices the factor carries, in slot order.
    var indices: IndexList {
        switch self {
        case .entry(_, let indices, _): return indices
        case .delta(let a, let b): return [a, b]
        }
    }

    /// The same factor with every index renamed by `rename`.
    func renamed(_ rename: (Index) -> Index) -> Factor {
        switch self {
        case .entry(let id, let indices, let exponent):
            return .entry(id, indices.map(rename), exponent: exponent)
        case .delta(let a, let b):
            return .delta(rename(a), rename(b))
        }
    }
}

/// A product `coefficient × factor₁ × factor₂ × …` summed over its summed indices.
///
/// **Summation invariant.** Every index that occurs in the factors and is not a free index
/// of the enclosing ``IndexSum`` is summed, once, over the whole term — however many factors
/// carry it. So `A[i,j] B[i,j] C[i,j]` with no free index is `Σ_{i,j} A B C` (a Hadamard
/// product summed), and an index shared by three factors needs no special treatment. Summed
/// indices are local to a term: an operation that multiplies two terms renames the summed
/// indices of one of them first (``IndexContext/refreshed(_:free:)``); terms made by
/// lowering and differentiation have fresh summed indices already.
struct Term: Hashable {
    /// The exact numeric coefficient.
    var coefficient: Rational
    /// The factors, in no particular order until the term is canonical.
    var factors: [Factor]

    /// `coefficient` with no factors.
    init(_ coefficient: Rational, _ factors: [Factor] = []) {
        self.coefficient = coefficient
        self.factors = factors
    }

    /// The term with every index renamed by `rename`.
    func renamed(_ rename: (Index) -> Index) -> Term {
        Term(coefficient, factors.map { $0.renamed(rename) })
    }
}

/// A sum of terms with the same free indices: the value of an indexed quantity
/// `T[free…] = Σ_terms coefficient × Π factors`.
struct IndexSum: Hashable {
    /// The free indices, in order: those of a function's entry, then those of a variable's.
    var free: [Index]
    /// The terms; an empty list is zero.
    var terms: [Term]

    /// A sum of `terms` with free indices `free`.
    init(free: [Index], terms: [Term]) {
        self.free = free
        self.terms = terms
    }

    /// Zero with the given free indices.
    static func zero(free: [Index]) -> IndexSum { IndexSum(free: free, terms: []) }

    /// True when there are no terms.
    var isZero: Bool { terms.isEmpty }
}

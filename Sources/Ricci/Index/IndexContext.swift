// The state of one derivation that every pass of the index layer works in.

/// The state of one derivation: its interned expressions and its supply of fresh indices.
final class IndexContext {
    /// Interned expressions, shapes, symmetry.
    let table: ExpressionTable
    /// Fresh indices.
    @exclusivity(unchecked) var allocator = IndexAllocator()
    /// Where stage timings go, when they are wanted.
    let profile: StageProfile?
    /// Where the steps of the derivation go, when they are wanted.
    @exclusivity(unchecked) var trace: DerivationTrace?

    /// A context over a table, timing its stages into `profile` if given.
    init(table: ExpressionTable, profile: StageProfile? = nil) {
        self.table = table
        self.profile = profile
    }

    /// Fresh indices for the axes of `id`'s shape.
    func freshIndices(for id: ExprID) -> [Index] {
        allocator.fresh(for: table.shape(id))
    }

    /// A fresh index ranging over `range`.
    func freshIndex(_ range: Dimension) -> Index {
        allocator.fresh(range)
    }

    /// The dimension `index` ranges over.
    func range(of index: Index) -> Dimension {
        allocator.range(of: index)
    }
}

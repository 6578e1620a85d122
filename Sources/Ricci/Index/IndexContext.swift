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
    /// The first expression whose entry lowering had to keep closed although an axis of it
    /// is a product of dimensions (a sum or a non-linear function of a Kronecker product, a
    /// vector of length `m·n`): index notation splits such an axis into one index per
    /// component, which lifting cannot read back as that expression, so the derivative is
    /// refused (``checkCompoundEntries()``).
    @exclusivity(unchecked) var compoundEntry: ExprID?
    /// The variable ``blockRegions`` are about.
    @exclusivity(unchecked) var blockVariable: String?
    /// Each node's place in the entry-wise blocks of its dependence on ``blockVariable``
    /// (see ``entrywiseBlock(_:dependingOn:)``).
    @exclusivity(unchecked) var blockRegions: [ExprID: EntrywiseBlock?] = [:]
    /// The scalar sub-expressions that lowering opened into summed factors (`sum(A x)`,
    /// `tr(M)`, `xᵀy`), by the canonical form of those factors, each with the number its
    /// opening took out: lifting writes a closed cluster of that form as the expression the
    /// input gave (see ``recognizingOpenedScalars(_:free:)``).
    @exclusivity(unchecked) var openedScalars: [Term: (id: ExprID, coefficient: Rational)] = [:]
    /// The scalar sub-expressions already in ``openedScalars`` (or found not to belong).
    @exclusivity(unchecked) var registeredScalars: Set<ExprID> = []
    /// The variable of the forward derivative under way, which ``forwardUses`` and
    /// ``closedJacobians`` are about.
    @exclusivity(unchecked) var jacobianVariable: String?
    /// Per node of the forward derivative under way, how many parents reach it.
    @exclusivity(unchecked) var forwardUses: [ExprID: Int] = [:]
    /// The Jacobians of shared nodes taken so far in it (see
    /// ``closedJacobian(_:at:_:derive:)``).
    @exclusivity(unchecked) var closedJacobians: [ExprID: ClosedJacobian] = [:]

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

    /// Throws when a derivation met a closed entry of an expression with a product axis
    /// (see ``compoundEntry``).
    func checkCompoundEntries() throws {
        guard let id = compoundEntry else { return }
        throw DifferentiationError(
            because: "\(PlainPrinter.print(table.expression(id))) has the shape \(table.shape(id)), an axis of which is "
                + "a product of dimensions, and it is a sum, a function or a variable whose entries index notation "
                + "cannot split; Ricci differentiates Kronecker products and vec where products, transposes, traces "
                + "and sums open them")
    }
}

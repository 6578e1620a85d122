// Lifting a derivative of a matrix by a matrix to the vec convention: Kronecker products,
// commutation matrices, outer products of vecs and diagonal matrices of vecs.

extension IndexContext {
    /// The terms of `∂R[function]/∂X[variable]` as the matrix `∂vec(R)/∂vec(X)ᵀ` of Magnus and
    /// Neudecker, whose row `(j,i)` is `R[i,j]` (columns of R stacked, `j` running slowest) and
    /// whose column `(q,p)` is `X[p,q]`. `function` and `variable` hold one index for a vector
    /// and two for a matrix. Each term is read by how its factors join the four free indices
    /// (see ``kroneckerLift(_:function:variable:)-(Term,_,_)``); a term that fits none of the
    /// forms throws ``LiftError``, and the caller keeps index notation.
    func kroneckerLift(_ terms: [Term], function: [Index], variable: [Index]) throws -> [LiftedTerm] {
        try measured(profile, .lift) {
            try terms.map { try kroneckerLift($0, function: function, variable: variable) }
        }
    }

    /// The shape of `∂vec(R)/∂vec(X)ᵀ`: `numel(R) × numel(X)` as product dimensions.
    func vecShape(function: [Index], variable: [Index]) -> Shape {
        Shape(vecDimension(function), vecDimension(variable))
    }

    /// The dimension of `vec` of a value indexed by `indices` (`[i, j]` → `n·m`, `[i]` → `m`).
    private func vecDimension(_ indices: [Index]) -> Dimension {
        switch indices.count {
        case 0: return .one
        case 1: return range(of: indices[0])
        default: return Dimension.times(range(of: indices[1]), range(of: indices[0]))
        }
    }

    /// One term in the vec convention. With `R[i,j]` and `X[p,q]`, the factors fall into
    /// connected components (factors sharing an index), and the free indices each component
    /// holds decide the form:
    ///
    /// - `{j,q}` and `{i,p}`: `B[j,q] A[i,p]` is `kron(B, A)` (`d(A X B) = kron(Bᵀ, A)`);
    /// - `{j,p}` and `{i,q}`: `B[j,p] A[i,q]` is `kron(B, A) K` with the commutation matrix
    ///   `K = commutation(P, Q)` of the P×Q variable (`d(Xᵀ) = K`);
    /// - `{i,j}` and `{p,q}`: `F[i,j] G[p,q]` is `vec(F) vec(G)ᵀ`;
    /// - components without a free index are scalar factors;
    /// - otherwise a factor on exactly the function's two indices, `F[i,j]`, is
    ///   `diagm(vec(F))` times the rest (`d(A X)^⊙2 = 2 diagm(vec(A X)) kron(I, A)`), and one on
    ///   exactly the variable's, the rest times `diagm(vec(G))`.
    func kroneckerLift(_ term: Term, function: [Index], variable: [Index]) throws -> LiftedTerm {
        let (i, j) = (function.first, function.count > 1 ? function[1] : nil)
        let (p, q) = (variable.first, variable.count > 1 ? variable[1] : nil)
        let groups = Self.connectedGroups(term.factors)
        let free = function + variable
        func bit(_ index: Index?) -> UInt8 { index.map { Self.mask(of: [$0], among: free) } ?? 0 }
        var scalarFactors: [Factor] = []
        var sided: [(factors: [Factor], free: UInt8)] = []
        for group in groups {
            let held = group.reduce(UInt8(0)) { $0 | Self.mask(of: $1.indices, among: free) }
            if held == 0 { scalarFactors += group } else { sided.append((group, held)) }
        }
        var result = try lift(Term(term.coefficient, scalarFactors), free: [], shape: .scalar)

        /// The factors of the groups whose free indices lie in `side`, if every group's do in
        /// one of the two sides.
        func split(_ first: UInt8, _ second: UInt8) -> ([Factor], [Factor])? {
            var (a, b): ([Factor], [Factor]) = ([], [])
            for group in sided {
                if group.free & ~first == 0 { a += group.factors } else if group.free & ~second == 0 {
                    b += group.factors
                } else {
                    return nil
                }
            }
            return (a, b)
        }
        /// The factors lifted with the free indices `row` and `column` (either may be absent).
        func matrix(_ factors: [Factor], _ row: Index?, _ column: Index?) throws -> ExprID {
            let indices = [row, column].compactMap { $0 }
            let shape = Shape(row.map(range(of:)) ?? .one, column.map(range(of:)) ?? .one)
            // A lone column index is lifted as a vector and turned into the row it is.
            let liftShape = row == nil && column != nil ? Shape(shape.columns, .one) : shape
            let lifted = try lift(Term(.one, factors), free: indices, shape: liftShape)
            result.coefficient *= lifted.coefficient
            result.scalars += lifted.scalars
            let value = lifted.matrix ?? table.ones(liftShape)
            return row == nil && column != nil ? table.transpose(value) : value
        }

        let matrixForm: ExprID
        if let (outer, inner) = split(bit(j) | bit(q), bit(i) | bit(p)) {
            matrixForm = table.kron(try matrix(outer, j, q), try matrix(inner, i, p))
        } else if let p, q != nil || j != nil,
                  let (outer, inner) = split(bit(j) | bit(p), bit(i) | bit(q))
        {
            let product = table.kron(try matrix(outer, j, p), try matrix(inner, i, q))
            // Columns (p,q) to (q,p); a vector variable has nothing to exchange.
            matrixForm = q.map { table.multiply(product, table.intern(.commutation(range(of: p), range(of: $0)))) } ?? product
        } else if let (left, right) = split(bit(i) | bit(j), bit(p) | bit(q)) {
            let f = table.apply(.vec, try matrix(left, i, j))
            let g = table.apply(.vec, try matrix(right, p, q))
            matrixForm = table.multiply(f, table.transpose(g))
        } else if let (scaling, rest, onFunction) = try diagonalCluster(
            sided.flatMap(\.factors), function: function, variable: variable)
        {
            // (The scalar factors are already in `result`: only the rest is lifted again.)
            let inner = try kroneckerLift(Term(.one, rest), function: function, variable: variable)
            result.coefficient *= inner.coefficient
            result.scalars += inner.scalars
            let restMatrix = inner.matrix ?? table.ones(vecShape(function: function, variable: variable))
            matrixForm = onFunction ? table.multiply(scaling, restMatrix) : table.multiply(restMatrix, scaling)
        } else if let cut = try middleCut(sided.flatMap(\.factors), function: function, variable: variable) {
            result.coefficient *= cut.coefficient
            result.scalars += cut.scalars
            matrixForm = cut.matrix!
        } else if let (rest, onFunction, range) = equatedPair(sided.flatMap(\.factors), function: function, variable: variable) {
            // T = δ(p,q) T' with q read as p in T': the rest times diagm(vec(I)) (the
            // derivative of diagv(X)); the same on the function's side (of diagm(v)).
            let inner = try kroneckerLift(Term(.one, rest), function: function, variable: variable)
            result.coefficient *= inner.coefficient
            result.scalars += inner.scalars
            let restMatrix = inner.matrix ?? table.ones(vecShape(function: function, variable: variable))
            let selection = table.apply(.diagonalMatrix, table.apply(.vec, table.identity(range)))
            matrixForm = onFunction ? table.multiply(selection, restMatrix) : table.multiply(restMatrix, selection)
        } else {
            throw LiftError(reason: "a term joins the function's and the variable's indices in no Kronecker form")
        }
        result.matrix = matrixForm
        result.scalars.sort()
        return result
    }

    /// A diagonal scaling that can be taken out of the term: the factors joined by summed
    /// indices (`A[i,l] X[l,j]`) that hold exactly the function's free indices are the entries
    /// of a matrix F, and the term is `diagm(vec(F))` times the rest; or exactly the variable's,
    /// and it is the rest times `diagm(vec(G))`. Returns the scaling, the rest, and which side.
    private func diagonalCluster(_ factors: [Factor], function: [Index], variable: [Index]) throws
        -> (scaling: ExprID, rest: [Factor], onFunction: Bool)?
    {
        let free = function + variable
        let sides = [(function, true, Self.mask(of: function, among: free)), (variable, false, Self.mask(of: variable, among: free))]
        for cluster in Self.clusters(factors, linkedBy: { !free.contains($0) }) {
            let held = cluster.reduce(UInt8(0)) { $0 | Self.mask(of: factors[$1].indices, among: free) }
            for (side, onFunction, sideMask) in sides where side.count == 2 && held == sideMask {
                let members = cluster.map { factors[$0] }
                let shape = Shape(range(of: side[0]), range(of: side[1]))
                guard let lifted = try? lift(Term(.one, members), free: side, shape: shape), lifted.scalars.isEmpty,
                      let matrix = lifted.matrix
                else { continue }
                let scaled = table.multiply(table.number(lifted.coefficient), matrix)
                let rest = factors.indices.filter { !cluster.contains($0) }.map { factors[$0] }
                return (table.apply(.diagonalMatrix, table.apply(.vec, scaled)), rest, onFunction)
            }
        }
        return nil
    }

    /// The term as `L diagm(vec(E)) M` through one of its two-index entries `E[a,b]`, when the
    /// other factors fall on two sides that meet only at `a` and `b`: those that reach the
    /// variable's indices (`M`, a derivative of `E`'s entries by the variable) and the others
    /// (`L`, from the function to `E`). `L` is lifted as `∂vec(R)/∂vec(E)ᵀ` and `M` as
    /// `∂vec(E)/∂vec(X)ᵀ`, in turn (`d(Aᵀ exp(A X)) = kron(I, Aᵀ) diagm(vec(exp(A X))) kron(I, A)`).
    private func middleCut(_ factors: [Factor], function: [Index], variable: [Index]) throws -> LiftedTerm? {
        // A few indices each: arrays, scanned, not hashed sets.
        let free = function + variable
        for (position, factor) in factors.enumerated() {
            guard case .entry(let id, let indices, let exponent) = factor, indices.count == 2, indices[0] != indices[1]
            else { continue }
            let (a, b) = (indices[0], indices[1])
            // Each index of E has a copy on the function side and one on the variable side.
            let leftCopies = [a, b].map { freshIndex(range(of: $0)) }
            let rightCopies = [a, b].map { freshIndex(range(of: $0)) }
            var left: [Factor] = []
            var right: [Factor] = []
            let others = factors.indices.filter { $0 != position }
            let cut = [a, b]
            var usable = true
            for cluster in Self.clusters(others.map { factors[$0] }, linkedBy: { !free.contains($0) && !cut.contains($0) }) {
                let members = cluster.map { factors[others[$0]] }
                func holds(_ belongs: (Index) -> Bool) -> Bool {
                    members.contains { $0.indices.contains(where: belongs) }
                }
                if holds({ variable.contains($0) }) {
                    // The variable's side: E's indices become their right copies; a function
                    // index other than E's would join the two sides elsewhere.
                    if holds({ function.contains($0) && !cut.contains($0) }) {
                        usable = false
                        break
                    }
                    right += members
                } else {
                    left += members
                }
            }
            guard usable, !right.isEmpty else { continue }
            func copy(_ index: Index, _ copies: [Index]) -> Index {
                index == a ? copies[0] : index == b ? copies[1] : index
            }
            left = left.map { $0.renamed { copy($0, leftCopies) } }
            right = right.map { $0.renamed { copy($0, rightCopies) } }
            // A free index of E stays on its own side, joined to its copy there by a delta.
            for (index, (leftCopy, rightCopy)) in zip([a, b], zip(leftCopies, rightCopies)) {
                if function.contains(index) { left.append(.delta(index, leftCopy)) }
                if variable.contains(index) { right.append(.delta(rightCopy, index)) }
            }
            guard let outer = try? kroneckerLift(Term(.one, left), function: function, variable: leftCopies),
                  let inner = try? kroneckerLift(Term(.one, right), function: rightCopies, variable: variable)
            else { continue }
            let scaling = table.apply(.diagonalMatrix, table.apply(.vec, table.elementwisePower(id, exponent)))
            let outerMatrix = outer.matrix ?? table.ones(vecShape(function: function, variable: leftCopies))
            let innerMatrix = inner.matrix ?? table.ones(vecShape(function: rightCopies, variable: variable))
            return LiftedTerm(
                coefficient: outer.coefficient * inner.coefficient, scalars: outer.scalars + inner.scalars,
                matrix: table.product([outerMatrix, scaling, innerMatrix]))
        }
        return nil
    }

    /// When deltas make the variable's two indices equal (`δ(i,p) δ(i,q)`), or the
    /// function's: the factors with the second index read as the first (deltas that become
    /// `δ(p,p)` dropped), which side, and the indices' range.
    private func equatedPair(_ factors: [Factor], function: [Index], variable: [Index])
        -> (rest: [Factor], onFunction: Bool, range: Dimension)?
    {
        var parent: [Index: Index] = [:]
        func root(_ index: Index) -> Index {
            var index = index
            while let up = parent[index], up != index { index = up }
            return index
        }
        for case .delta(let a, let b) in factors {
            let (x, y) = (root(a), root(b))
            if x != y { parent[max(x, y)] = min(x, y) }
        }
        for (pair, onFunction) in [(variable, false), (function, true)] where pair.count == 2 {
            let (first, second) = (pair[0], pair[1])
            guard root(first) == root(second), range(of: first) == range(of: second) else { continue }
            // A delta that becomes δ(p,p) is 1, one that repeats another is the same δ again.
            var seenDeltas = Set<[Index]>()
            let rest = factors.compactMap { factor -> Factor? in
                let renamed = factor.renamed { $0 == second ? first : $0 }
                if case .delta(let a, let b) = renamed {
                    guard a != b, seenDeltas.insert([min(a, b), max(a, b)]).inserted else { return nil }
                }
                return renamed
            }
            return (rest, onFunction, range(of: first))
        }
        return nil
    }

    /// The free indices among `indices`, as bits of their positions in `free` (a function's
    /// and a variable's indices, at most four): sets of them are masks, not hashed sets.
    static func mask<Indices: Sequence<Index>>(of indices: Indices, among free: [Index]) -> UInt8 {
        indices.reduce(UInt8(0)) { mask, index in free.firstIndex(of: index).map { mask | (1 << $0) } ?? mask }
    }

    /// The positions of `factors` in groups joined by the indices `links` accepts.
    static func clusters(_ factors: [Factor], linkedBy links: (Index) -> Bool) -> [[Int]] {
        var parent = Array(factors.indices)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        // A term has a few factors of at most two indices each: the first owner of an index
        // is found by a scan, not a hashed lookup.
        var owners: [(index: Index, position: Int)] = []
        owners.reserveCapacity(2 * factors.count)
        for (position, factor) in factors.enumerated() {
            for index in factor.indices where links(index) {
                if let other = owners.first(where: { $0.index == index }) {
                    let (x, y) = (root(position), root(other.position))
                    if x != y { parent[max(x, y)] = min(x, y) }
                } else {
                    owners.append((index, position))
                }
            }
        }
        // A group's root is its first position, so groups come in the order of their first factors.
        var groups = [[Int]](repeating: [], count: factors.count)
        for position in factors.indices { groups[root(position)].append(position) }
        return groups.filter { !$0.isEmpty }
    }

    /// The factors in groups joined by shared indices (a factor with no index is a group of
    /// its own), in the order of their first factors.
    static func connectedGroups(_ factors: [Factor]) -> [[Factor]] {
        clusters(factors, linkedBy: { _ in true }).map { $0.map { factors[$0] } }
    }
}

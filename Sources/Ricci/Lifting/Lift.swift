// Lifting: index notation back to matrix notation, by series–parallel reduction of a graph.

/// A term (or sum) whose index structure has no matrix form: more than two free indices
/// (an order-3 or order-4 Jacobian), or summed indices joined as in `Σ A[i,j] B[i,k] C[i,l]`
/// with no vector to collapse on. The caller falls back to index notation.
struct LiftError: Error {
    /// Why the term has no matrix form.
    let reason: String
}

/// One lifted term: `coefficient × Π scalarᵉ × matrix`, `matrix` absent for a scalar.
struct LiftedTerm: Hashable {
    /// The exact coefficient.
    var coefficient: Rational
    /// Scalar factors with their exponents (a negative exponent divides).
    var scalars: [ScalarPower]
    /// The matrix (or vector) part; `nil` for a scalar term.
    var matrix: ExprID?

    /// A scalar factor raised to a constant.
    struct ScalarPower: Hashable {
        var base: ExprID
        var exponent: Rational
    }
}

extension IndexContext {
    /// The terms of an index sum in matrix notation. `free` are the sum's free indices,
    /// matched in order to the axes of `shape` (the shape of the result).
    func lift(_ terms: [Term], free: [Index], shape: Shape) throws -> [LiftedTerm] {
        try measured(profile, .lift) { try terms.map { try lift($0, free: free, shape: shape) } }
    }

    /// One product term in matrix notation.
    ///
    /// The term is read as a multigraph: indices are vertices, a factor `M[a,b]` is an edge
    /// from `a` to `b` carrying the chain `M`, a vector factor `v[a]` is a weight on `a`,
    /// `M[a,a]` is the weight `diagv(M)`, a scalar factor stays a scalar. Summed vertices are
    /// removed by four reductions until only the free ones are left (parallel edges merged
    /// only when no vertex can be removed):
    ///
    /// - parallel edges: `A[a,b] B[a,b] → (A ⊙ B)[a,b]`;
    /// - series (a summed vertex with two edges): `Σ_v A[a,v] w[v] B[v,b] → (A diagm(w) B)[a,b]`;
    /// - pendant (one edge): `Σ_v A[a,v] w[v] → (A w)[a]`, a weight on `a`;
    /// - isolated (no edge): `Σ_v u[v] w[v] → uᵀw`, `Σ_v w[v] → sum(w)`.
    ///
    /// A path from one free index to the other is then a chain of products (a factor entered
    /// by its column is transposed), weights on free vertices become `diagm` or a Hadamard
    /// product with an outer product, and a missing edge is an outer product. A graph that
    /// is not series–parallel throws ``LiftError``: lifting never guesses.
    func lift(_ term: Term, free: [Index], shape: Shape) throws -> LiftedTerm {
        guard free.count <= 2 else {
            throw LiftError(reason: "an order-\(free.count) result has no matrix form")
        }
        let term = recognizingOpenedScalars(term, free: free)
        var graph = LiftGraph(terminals: free)
        var scalars: [LiftedTerm.ScalarPower] = []
        for factor in term.factors {
            switch factor {
            case .delta(let a, let b):
                graph.addEdge(from: a, to: b, chain: [])
            case .entry(let id, let indices, let exponent):
                switch indices.count {
                case 0:
                    scalars.append(LiftedTerm.ScalarPower(base: id, exponent: exponent))
                case 1:
                    let column = table.shape(id).kind == .rowVector ? table.transpose(id) : id
                    graph.addWeight(table.elementwisePower(column, exponent), at: indices[0])
                default:
                    let matrix = table.elementwisePower(id, exponent)
                    if indices[0] == indices[1] {
                        graph.addWeight(table.apply(.diagonalVector, matrix), at: indices[0])
                    } else {
                        graph.addEdge(from: indices[0], to: indices[1], chain: [chainLink(matrix)])
                    }
                }
            }
        }
        try reduce(&graph, scalars: &scalars)
        let matrix = try assemble(graph, free: free, shape: shape)
        return LiftedTerm(coefficient: term.coefficient, scalars: scalars, matrix: matrix)
    }

    /// Applies the four reductions until no summed vertex is left.
    private func reduce(_ graph: inout LiftGraph, scalars: inout [LiftedTerm.ScalarPower]) throws {
        var changed = true
        while changed {
            changed = false
            // Loops become weights at once; parallel edges are merged only when no vertex can
            // be removed, so that a cycle through two summed indices reads tr(C*D), not
            // sum(C.*D').
            convertLoops(&graph)
            for vertex in graph.summedVertices() {
                let incident = graph.edges.indices.filter { graph.edges[$0].touches(vertex) }
                switch incident.count {
                case 0:
                    scalars.append(LiftedTerm.ScalarPower(base: collapse(graph.weights(at: vertex), over: vertex), exponent: .one))
                case 1:
                    let edge = graph.edges[incident[0]]
                    let other = edge.other(than: vertex)
                    let chain = oriented(edge, from: other)
                    let weight = combinedWeight(graph.weights(at: vertex), over: vertex)
                    // The chain and the vector in one product, so that it is evaluated from the
                    // vector outwards (matrix–vector products), not as a matrix first.
                    var atoms = chain.map { $0.transposed ? table.transpose($0.id) : $0.id }
                    atoms.append(weight)
                    graph.addWeight(table.product(atoms), at: other)
                    graph.edges.remove(at: incident[0])
                case 2:
                    var (first, second) = (graph.edges[incident[0]], graph.edges[incident[1]])
                    // Two edges to the same free vertex would close a loop, diagv(AᵀB): the
                    // Hadamard product of the two, summed, is the same for less work
                    // (sum(A ⊙ B, 1)ᵀ), so they are left for the parallel merge.
                    let closesLoop = first.other(than: vertex) == second.other(than: vertex)
                    if closesLoop, graph.terminals.contains(first.other(than: vertex)) { continue }
                    // Σ_v A[a,v] w[v] B[v,b] read from a to b, or from b to a: whichever needs
                    // fewer transposes (the other is its transpose).
                    let forward = transposeCount(first, from: first.other(than: vertex)) + transposeCount(second, from: vertex)
                    let backward = transposeCount(second, from: second.other(than: vertex)) + transposeCount(first, from: vertex)
                    if backward < forward { swap(&first, &second) }
                    let (start, end) = (first.other(than: vertex), second.other(than: vertex))
                    var chain = oriented(first, from: start)
                    let weights = graph.weights(at: vertex)
                    if !weights.isEmpty {
                        chain.append(chainLink(table.apply(.diagonalMatrix, combinedWeight(weights, over: vertex))))
                    }
                    chain += oriented(second, from: vertex)
                    graph.edges.remove(at: incident[1])
                    graph.edges.remove(at: incident[0])
                    graph.addEdge(from: start, to: end, chain: chain)
                default:
                    continue
                }
                graph.remove(vertex)
                changed = true
                break
            }
            if !changed { changed = mergeParallelEdges(&graph) }
        }
        if let stuck = graph.summedVertices().first {
            throw LiftError(reason: "a summed index joins \(graph.edges.filter { $0.touches(stuck) }.count) matrices")
        }
    }

    /// A loop `M[a,a]` (a series whose two ends met) becomes the weight `diagv(M)` on `a`.
    private func convertLoops(_ graph: inout LiftGraph) {
        for position in graph.edges.indices.reversed() where graph.edges[position].from == graph.edges[position].to {
            let edge = graph.edges.remove(at: position)
            graph.addWeight(table.apply(.diagonalVector, materialize(edge.chain, range: range(of: edge.from))), at: edge.from)
        }
    }

    /// Parallel edges (same two end vertices, either direction) become one Hadamard product;
    /// true when some did.
    private func mergeParallelEdges(_ graph: inout LiftGraph) -> Bool {
        var merged = false
        var position = 0
        while position < graph.edges.count {
            let edge = graph.edges[position]
            if let twin = graph.edges.indices.first(where: { $0 > position && graph.edges[$0].joins(edge.from, edge.to) }) {
                let left = materialize(edge.chain, range: range(of: edge.from))
                let right = materialize(oriented(graph.edges[twin], from: edge.from), range: range(of: edge.from))
                graph.edges[position].chain = [chainLink(table.hadamard(left, right))]
                graph.edges.remove(at: twin)
                merged = true
                continue
            }
            position += 1
        }
        return merged
    }

    /// The matrix of the reduced graph, shaped like `shape`.
    private func assemble(_ graph: LiftGraph, free: [Index], shape: Shape) throws -> ExprID? {
        switch free.count {
        case 0:
            return nil
        case 1:
            let vector = combinedWeight(graph.weights(at: free[0]), over: free[0])
            return shape.kind == .rowVector ? table.transpose(vector) : vector
        default:
            let (row, column) = (free[0], free[1])
            let rowWeight = graph.weights(at: row)
            let columnWeight = graph.weights(at: column)
            guard let edge = graph.edges.first else {
                // No path from row to column: an outer product.
                if rowWeight.isEmpty && columnWeight.isEmpty { return table.ones(Shape(range(of: row), range(of: column))) }
                return table.multiply(
                    combinedWeight(rowWeight, over: row), table.transpose(combinedWeight(columnWeight, over: column)))
            }
            let chain = oriented(edge, from: row)
            if chain.isEmpty {
                // δ[row, column]: the identity, or a diagonal matrix when weighted.
                let weights = rowWeight + columnWeight
                return weights.isEmpty ? table.intern(.identity(range(of: row)))
                    : table.apply(.diagonalMatrix, combinedWeight(weights, over: row))
            }
            let matrix = materialize(chain, range: range(of: row))
            switch (rowWeight.isEmpty, columnWeight.isEmpty) {
            case (true, true):
                return matrix
            case (false, true):
                return table.multiply(table.apply(.diagonalMatrix, combinedWeight(rowWeight, over: row)), matrix)
            case (true, false):
                return table.multiply(matrix, table.apply(.diagonalMatrix, combinedWeight(columnWeight, over: column)))
            case (false, false):
                let outer = table.multiply(
                    combinedWeight(rowWeight, over: row), table.transpose(combinedWeight(columnWeight, over: column)))
                return table.hadamard(matrix, outer)
            }
        }
    }

    /// The scalar `Σ_v Π weights[v]`: `uᵀw` for two weights, `sum(w)` for one (`tr(M)` for the
    /// diagonal of `M`), the range
    /// `n = tr(I(n))` for none.
    private func collapse(_ weights: [ExprID], over vertex: Index) -> ExprID {
        switch weights.count {
        case 0:
            return table.apply(.trace, table.intern(.identity(range(of: vertex))))
        case 1:
            // Σ_i M[i,i] is tr(M).
            if case .apply(.diagonalVector, let matrix) = table[weights[0]] { return table.apply(.trace, matrix) }
            return table.apply(.sum, weights[0])
        default:
            let rest = weights.dropFirst().dropFirst().reduce(weights[1], table.hadamard)
            return table.multiply(table.transpose(weights[0]), rest)
        }
    }

    /// The Hadamard product of the weights on a vertex, or `ones(n)` when there is none.
    private func combinedWeight(_ weights: [ExprID], over vertex: Index) -> ExprID {
        if weights.count == 1 { return weights[0] }
        // In the order of the input (interned numbers follow it), not of the derivation.
        let ordered = weights.sorted()
        guard let first = ordered.first else { return table.ones(.vector(range(of: vertex))) }
        return ordered.dropFirst().reduce(first, table.hadamard)
    }

    /// The edge's chain read from `start` to its other end (reversed and transposed when the
    /// edge is stored the other way round).
    private func oriented(_ edge: LiftGraph.Edge, from start: Index) -> [ExpressionTable.ChainLink] {
        edge.from == start ? edge.chain : table.transposedChain(edge.chain)
    }

    /// The transposes of ``oriented(_:from:)``, counted without building the chain.
    private func transposeCount(_ edge: LiftGraph.Edge, from start: Index) -> Int {
        edge.from == start
            ? edge.chain.count(where: \.transposed) : edge.chain.count { !$0.transposed && !table.isSymmetric($0.id) }
    }

    private func chainLink(_ id: ExprID) -> ExpressionTable.ChainLink {
        ExpressionTable.ChainLink(id: id, transposed: false)
    }

    /// The product of a chain, written with the fewer transposes: `B'X'` or `(XB)'`
    /// (``ExpressionTable/chainProduct(_:)``). An empty chain is the identity over `range`.
    func materialize(_ chain: [ExpressionTable.ChainLink], range: Dimension) -> ExprID {
        table.chainProduct(chain) ?? table.intern(.identity(range))
    }
}

/// The graph of one term during lifting.
struct LiftGraph {
    /// An edge `chain[from, to]`; an empty chain is the identity (a delta).
    struct Edge {
        var from: Index
        var to: Index
        var chain: [ExpressionTable.ChainLink]

        func touches(_ vertex: Index) -> Bool { from == vertex || to == vertex }
        func joins(_ a: Index, _ b: Index) -> Bool { (from == a && to == b) || (from == b && to == a) }
        func other(than vertex: Index) -> Index { from == vertex ? to : from }
    }

    /// The free indices, never removed.
    let terminals: [Index]
    /// Every vertex, summed or free, in order of first appearance.
    private(set) var vertices: [Index]
    /// The edges.
    var edges: [Edge] = []
    /// Column vectors multiplied (entry-wise) onto a vertex, by vertex: a term has a handful
    /// of vertices, so they are found by a scan rather than hashed.
    private var weightLists: [(vertex: Index, vectors: [ExprID])] = []

    init(terminals: [Index]) {
        self.terminals = terminals
        vertices = terminals
    }

    mutating func addEdge(from: Index, to: Index, chain: [ExpressionTable.ChainLink]) {
        insert(from)
        insert(to)
        edges.append(Edge(from: from, to: to, chain: chain))
    }

    mutating func addWeight(_ vector: ExprID, at vertex: Index) {
        insert(vertex)
        if let known = weightLists.firstIndex(where: { $0.vertex == vertex }) {
            weightLists[known].vectors.append(vector)
        } else {
            weightLists.append((vertex, [vector]))
        }
    }

    /// The column vectors multiplied onto `vertex`, in the order they were added.
    func weights(at vertex: Index) -> [ExprID] {
        weightLists.first { $0.vertex == vertex }?.vectors ?? []
    }

    private mutating func insert(_ vertex: Index) {
        if !vertices.contains(vertex) { vertices.append(vertex) }
    }

    mutating func remove(_ vertex: Index) {
        vertices.removeAll { $0 == vertex }
        weightLists.removeAll { $0.vertex == vertex }
    }

    /// The summed vertices, in order of first appearance in the term (the order its factors
    /// were built in, which follows the expression), so results do not depend on index names.
    func summedVertices() -> [Index] {
        vertices.filter { !terminals.contains($0) }
    }
}

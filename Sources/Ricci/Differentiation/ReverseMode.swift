// Reverse (adjoint) accumulation of the chain rule for a scalar function.

extension IndexContext {
    /// The gradient `∂f/∂X[p,q]` of the scalar `root` with respect to the variable `variable`,
    /// as an index sum over the variable's indices `[p, q]`, accumulated in reverse order as
    /// reverse-mode automatic differentiation does.
    ///
    /// Every node `N` of the expression DAG (equal sub-expressions are one node) gets an
    /// adjoint `N̄[n] = ∂f/∂N[n]`, the root's being 1. Parents come before children, so a
    /// node's adjoint is complete when it is used; a child `C` of `N` receives
    /// `Σ_n N̄[n] ∂N[n]/∂C[c]`, the local derivative taken in index notation with `C` as the
    /// variable (other children constant) and its deltas contracted. An adjoint that is one
    /// product term is passed down as its factors. An adjoint that is a sum, at a node whose
    /// local derivative has several terms, is lifted to one matrix expression first and passed
    /// down as a single factor, so it appears once in the result instead of being multiplied
    /// into every term below it.
    func reverseGradient(of root: ExprID, withRespectTo variable: String, variableIndices: [Index]) throws -> [Term] {
        let order = reverseTopologicalOrder(from: root, dependingOn: variable)
        guard let leaf = order.last, case .variable(variable) = table[leaf] else { return [] }
        // Per node, by number (every node of the walk is in the table already): its free
        // indices, and the contributions to its adjoint, each kept with the parent it came
        // through — interned nodes are numbered as the input is read, so sorting by parent
        // puts terms in input order.
        let nodeCount = table.nodes.count
        var freeIndices = [[Index]?](repeating: nil, count: nodeCount)
        freeIndices[Int(leaf.raw)] = variableIndices
        var adjoints = [[(parent: ExprID, term: Term)]](repeating: [], count: nodeCount)
        adjoints[Int(root.raw)] = [(root, Term(.one))]
        // The last step's products before contraction, for the trace.
        var uncontracted: [Term] = []
        for node in order where node != leaf {
            let nodeIndices = freeIndices[Int(node.raw)] ?? freshIndices(for: node)
            // Every contribution was contracted on arrival, with these same free indices.
            let adjoint = merged(inInputOrder(adjoints[Int(node.raw)]), free: nodeIndices, contracting: false)
            adjoints[Int(node.raw)] = []
            if adjoint.isEmpty { continue }
            if node != root { trace?.record("adjoint", indexText(adjointName(of: node), adjoint, free: nodeIndices)) }
            // The local derivatives ∂N[n]/∂C[c] for every child C that depends on the variable.
            var locals: [(child: ExprID, indices: [Index], terms: [Term])] = []
            let children = table[node].children
            // A node has at most two children; `x .* x` has the same one twice.
            for (position, child) in children.enumerated()
            where (position == 0 || child != children[0]) && table.depends(child, on: variable) {
                let childIndices = freeIndices[Int(child.raw)] ?? freshIndices(for: child)
                freeIndices[Int(child.raw)] = childIndices
                let target = DerivativeTarget(node: child, indices: childIndices, recursive: false, variable: variable)
                locals.append((child, childIndices, try derivative(of: node, at: nodeIndices, target)))
            }
            // A sum is closed into one factor where it would otherwise be copied into several
            // terms; passed through one term, its terms stay open and can still meet and merge
            // with terms arriving by other paths. A product grown longer than a few factors is
            // closed too, so that a long chain passes down one factor, not all of its past.
            let copies = locals.reduce(0) { $0 + $1.terms.count }
            let seeds = (copies > 1 && adjoint.count > 1)
                || (adjoint.count == 1 && adjoint[0].factors.count > Self.longestOpenAdjoint)
                ? closedAdjoint(adjoint, of: node, indices: nodeIndices)
                : adjoint.map { refreshed($0, free: nodeIndices) }
            for local in locals {
                let childFree = local.indices
                for seed in seeds {
                    for term in local.terms {
                        if local.child == leaf, trace != nil { uncontracted.append(product(seed, term)) }
                        if let contribution = contracted(product(seed, term), free: childFree) {
                            adjoints[Int(local.child.raw)].append((node, contribution))
                        }
                    }
                }
            }
        }
        let gradient = merged(inInputOrder(adjoints[Int(leaf.raw)]), free: variableIndices, contracting: false)
        if let trace {
            let name = adjointName(of: leaf)
            trace.record("with deltas", name + "[…] = " + IndexPrinter.printTerms(
                notation(of: uncontracted, functionIndices: [], variableIndices: variableIndices).terms))
            trace.record("contracted", indexText(
                name, gradient.map { canonical($0, free: variableIndices) }, free: variableIndices, variable: true))
        }
        return gradient
    }

    /// The terms of the contributions, ordered by the parent they came through (stable).
    private func inInputOrder(_ contributions: [(parent: ExprID, term: Term)]) -> [Term] {
        // Most nodes have one parent: nothing to order.
        if contributions.count == 1 { return [contributions[0].term] }
        return contributions.enumerated()
            .sorted { ($0.element.parent, $0.offset) < ($1.element.parent, $1.offset) }
            .map(\.element.term)
    }

    /// The most factors an adjoint passed down open may have; a longer one is closed.
    static let longestOpenAdjoint = 8

    /// The adjoint of `node` as one factor holding its lifted matrix expression — opened
    /// again if that expression is a short product, so that its factors can meet and merge
    /// with the local derivative's. If the adjoint has no matrix form its terms are passed
    /// down one by one.
    private func closedAdjoint(_ adjoint: [Term], of node: ExprID, indices: [Index]) -> [Term] {
        // An axis that is a product of dimensions has one index per component, which a matrix
        // expression of that shape cannot carry as an entry: such an adjoint stays open.
        guard !table.shape(node).hasProductAxis,
            let lifted = try? lift(adjoint, free: indices, shape: table.shape(node))
        else {
            return adjoint.map { refreshed($0, free: indices) }
        }
        let closed = expression(of: lifted, shape: table.shape(node))
        guard table.hasProductFactors(closed, atMost: Self.longestOpenAdjoint) else {
            return [Term(.one, [.entry(closed, IndexList(indices), exponent: .one)])]
        }
        return [lower(closed, indices)]
    }

    /// The nodes reachable from `root` that depend on `variable`, every node after all of
    /// its parents; the variable comes last.
    func reverseTopologicalOrder(from root: ExprID, dependingOn variable: String) -> [ExprID] {
        table.topologicalOrder(from: root) { table.depends($0, on: variable) }
    }
}

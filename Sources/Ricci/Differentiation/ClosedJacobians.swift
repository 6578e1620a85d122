// Forward mode: the Jacobian of a shared sub-expression taken once and passed on as one matrix.

/// What forward mode knows of a sub-expression's Jacobian in the current derivation.
enum ClosedJacobian {
    /// `∂N[i,j]/∂X[p,q]` is the entry `J[…]` of the interned matrix expression `J` (free
    /// indices the node's, then the variable's, at most two in all).
    case closed(ExprID)
    /// The Jacobian stays open: one term, no matrix form, or indices that cannot be its
    /// free indices.
    case open
}

extension IndexContext {
    /// What a forward derivative keeps of its shared nodes: their uses, their Jacobians so
    /// far, the variable.
    typealias ForwardDerivativeState = (uses: [ExprID: Int], jacobians: [ExprID: ClosedJacobian], variable: String?)

    /// Starts a forward derivative of `roots` by `variable`: counts, per node that depends on
    /// the variable, the parents that reach it (``forwardUses``; a root once per time it is
    /// listed, as the factors of the terms of a derivative of higher order list it), and
    /// forgets the Jacobians closed for another derivative. Returns what it replaced, for
    /// ``endForwardDerivative(restoring:)``.
    func beginForwardDerivative(of roots: [ExprID], variable: String) -> ForwardDerivativeState {
        let saved = (forwardUses, closedJacobians, jacobianVariable)
        var uses: [ExprID: Int] = [:]
        var visited: Set<ExprID> = []
        for root in roots {
            uses[root, default: 0] += 1
            for node in table.topologicalOrder(from: root, including: { self.table.depends($0, on: variable) })
            where visited.insert(node).inserted {
                for child in table[node].children where table.depends(child, on: variable) { uses[child, default: 0] += 1 }
            }
        }
        forwardUses = uses
        closedJacobians = [:]
        jacobianVariable = variable
        return saved
    }

    /// Puts back what ``beginForwardDerivative(of:variable:)`` replaced.
    func endForwardDerivative(restoring saved: ForwardDerivativeState) {
        (forwardUses, closedJacobians, jacobianVariable) = saved
    }

    /// The most free indices a closed Jacobian has: a matrix.
    static let mostJacobianIndices = 2

    /// `∂ id[indices] / ∂ X[target.indices]` in forward mode for a node that several parents
    /// reach: its terms, made by `derive` (at the node indices it is given) the first time, are
    /// lifted to one matrix expression `J` (`J[i,p] = ∂N[i]/∂x[p]`, for a vector `N` and a
    /// vector variable `x`; a vector for a scalar node or a scalar variable), and every use is
    /// the one entry `J[indices, target.indices]`.
    ///
    /// This is forward mode's counterpart of a closed adjoint: without it the derivative of
    /// a shared node is taken again at each parent and its terms are multiplied into every
    /// term above (`∂softmax(g)` is `(diagm(s) − s sᵀ) ∂g`, two terms per term of `∂g`; a
    /// Hessian of a softmax of a softmax multiplies such sums along the chain, hundreds of
    /// terms where the Jacobians written once are a few products). `nil` when the node is
    /// reached once, its indices cannot be the free indices of a matrix, or its Jacobian has
    /// one term or no matrix form: then the caller takes the derivative as it is.
    func closedJacobian(_ id: ExprID, at indices: [Index], _ target: DerivativeTarget,
                        derive: ([Index]) throws -> [Term]) rethrows -> [Term]? {
        guard jacobianVariable == target.variable, (forwardUses[id] ?? 0) > 1 else { return nil }
        let free = indices + target.indices
        guard free.count <= Self.mostJacobianIndices, Set(free).count == free.count,
              !table.shape(id).hasProductAxis
        else { return nil }
        switch closedJacobians[id] {
        case .closed(let jacobian)?:
            return [Term(.one, [.entry(jacobian, IndexList(free), exponent: .one)])]
        case .open?:
            return nil
        case nil:
            break
        }
        // The Jacobian is taken at fresh indices of the node: the caller's may be summed
        // indices of a canonical term (negative names), which merging would give to indices
        // of its own. Merging also drops a factor `𝟏[k]` on a free index, so the terms passed
        // on open are the derived ones, which keep it: the caller sums over that index
        // (`Σ_{k,l} ∂(Z − β)[k,l]/∂β = −n²`).
        let own = freshIndices(for: id)
        guard own.count == indices.count else { return nil }
        let derived = try derive(own)
        func passedOpen() -> [Term] {
            closedJacobians[id] = .open
            let renaming = Dictionary(uniqueKeysWithValues: zip(own, indices))
            return derived.map { $0.renamed { renaming[$0] ?? $0 } }
        }
        let ownFree = own + target.indices
        let terms = merged(derived, free: ownFree)
        let shape: Shape = switch ownFree.count {
        case 0: .scalar
        case 1: .vector(range(of: ownFree[0]))
        default: Shape(range(of: ownFree[0]), range(of: ownFree[1]))
        }
        guard terms.count > 1, !shape.hasProductAxis, let lifted = try? lift(terms, free: ownFree, shape: shape) else {
            return passedOpen()
        }
        // A term that does not hold a free index (`∂(Z − β)[k,l]/∂β = −1`) lifts to a scalar:
        // stretched, it keeps the shape whose entries the uses sum over.
        let jacobian = table.stretched(expression(of: lifted, shape: shape), to: shape)
        guard table.shape(jacobian) == shape else { return passedOpen() }
        closedJacobians[id] = .closed(jacobian)
        return [Term(.one, [.entry(jacobian, IndexList(free), exponent: .one)])]
    }
}

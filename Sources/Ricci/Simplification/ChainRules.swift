// Rewrites of a run of neighbouring factors inside one product chain, for the written form.

extension ExpressionTable {
    /// The chain rewritten by the chain rules of ``writtenForm(_:)`` until none applies, or
    /// `nil` when none applied:
    ///
    /// - `diagonal-sandwich`: `diagm(a) M diagm(b) = (a bᵀ) ⊙ M`. Shrinks: two `diagm` and two
    ///   products become one outer product and one Hadamard product, and the reader sees the
    ///   scaling of each entry, `M[i,j] a[i] b[j]`.
    /// - `pseudo-inverse`: `(AᵀA)⁻¹Aᵀ = A⁺` and `A(AᵀA)⁻¹ = A⁺ᵀ`, and on the other side
    ///   `Aᵀ(AAᵀ)⁻¹ = A⁺` and `(AAᵀ)⁻¹A = A⁺ᵀ`: exact wherever the inverse exists (then `A` has
    ///   full column, or row, rank and these are the pseudo-inverse's closed forms), and it must
    ///   exist for the result to be defined. Applied last, after the rules that cancel
    ///   `(AᵀA)⁻¹AᵀA = I`, which `A⁺A` would hide. Shrinks: an inverse, a Gram product and a
    ///   transpose become one `pinv`.
    /// - `cancel-inverse` and the Penrose triples of ``cancellingInverses(_:)``.
    /// - `kron-mixed-product`: `kron(A, B) kron(C, D) = kron(A C, B D)` where the products
    ///   exist. Shrinks: one Kronecker product instead of two and a product of their sizes
    ///   (`(mp)×(nq)` by `(nq)×(rs)`), two small products instead.
    func rewrittenChain(_ chain: [ChainLink]) -> [ChainLink]? {
        var current = chain
        var changed = false
        while let next = diagonalSandwich(current) ?? pseudoInverse(current) ?? cancelled(current)
            ?? kroneckerMixedProduct(current)
        {
            current = next
            changed = true
        }
        return changed ? current : nil
    }

    /// The chain with inverses cancelled and Penrose triples reduced (``cancellingInverses(_:)``)
    /// when that shortens it: products built outside the simplifier's sums (the factors of a
    /// Kronecker product) meet these rules here.
    private func cancelled(_ chain: [ChainLink]) -> [ChainLink]? {
        let reduced = cancellingInverses(chain)
        return reduced.count < chain.count ? reduced : nil
    }

    private func diagonalSandwich(_ chain: [ChainLink]) -> [ChainLink]? {
        func diagonal(_ link: ChainLink) -> ExprID? {
            guard case .apply(.diagonalMatrix, let v) = self[link.id], shape(v).kind == .vector else { return nil }
            return v
        }
        guard chain.count >= 3 else { return nil }
        for start in 0...(chain.count - 3) {
            guard let a = diagonal(chain[start]), let b = diagonal(chain[start + 2]), diagonal(chain[start + 1]) == nil
            else { continue }
            let scaled = writtenHadamard(multiply(a, transpose(b)), atom(chain[start + 1]))
            return Array(chain[..<start]) + productChain(of: scaled) + Array(chain[(start + 3)...])
        }
        return nil
    }

    private func pseudoInverse(_ chain: [ChainLink]) -> [ChainLink]? {
        /// `(A, true)` when the link is `inv(AᵀA)`, `(A, false)` when it is `inv(AAᵀ)`.
        func gram(_ link: ChainLink) -> (ExprID, columns: Bool)? {
            guard case .apply(.inverse, let product) = self[link.id], case .multiply(let x, let y) = self[product]
            else { return nil }
            if case .transpose(let a) = self[x], a == y { return (a, true) }
            if case .transpose(let a) = self[y], a == x { return (a, false) }
            return nil
        }
        guard chain.count >= 2 else { return nil }
        for start in 0...(chain.count - 2) {
            let (first, second) = (chain[start], chain[start + 1])
            let inverse: ExprID
            if let (a, columns) = gram(first), second.id == a, second.transposed == columns {
                // (AᵀA)⁻¹Aᵀ = A⁺, (AAᵀ)⁻¹A = A⁺ᵀ.
                inverse = columns ? apply(.pseudoInverse, a) : transpose(apply(.pseudoInverse, a))
            } else if let (a, columns) = gram(second), first.id == a, first.transposed != columns {
                // A(AᵀA)⁻¹ = A⁺ᵀ, Aᵀ(AAᵀ)⁻¹ = A⁺.
                inverse = columns ? transpose(apply(.pseudoInverse, a)) : apply(.pseudoInverse, a)
            } else {
                continue
            }
            return Array(chain[..<start]) + productChain(of: inverse) + Array(chain[(start + 2)...])
        }
        return nil
    }

    private func kroneckerMixedProduct(_ chain: [ChainLink]) -> [ChainLink]? {
        /// The factors of a link that is a Kronecker product, transposed with it
        /// (`kron(A, B)ᵀ = kron(Aᵀ, Bᵀ)`).
        func factors(_ link: ChainLink) -> (ExprID, ExprID)? {
            guard case .apply2(.kron, let a, let b) = self[link.id] else { return nil }
            return link.transposed ? (transpose(a), transpose(b)) : (a, b)
        }
        guard chain.count >= 2 else { return nil }
        for start in 0...(chain.count - 2) {
            guard let (a, b) = factors(chain[start]), let (c, d) = factors(chain[start + 1]),
                  shape(a).columns == shape(c).rows, shape(b).columns == shape(d).rows
            else { continue }
            let merged = kron(multiply(a, c), multiply(b, d))
            return Array(chain[..<start]) + productChain(of: merged) + Array(chain[(start + 2)...])
        }
        return nil
    }

    /// The matrix a chain link stands for: its expression, transposed when the link is.
    func atom(_ link: ChainLink) -> ExprID { link.transposed ? transpose(link.id) : link.id }
}

// Matrix-level simplification: named rewrite rules on sums of products, one fixpoint driver.

/// A rewrite rule on a sum of products, by name. `rewrite` returns the new sum, or `nil`
/// when the rule does not apply. Every rule makes the written result shorter.
struct SimplificationRule: Sendable {
    /// Kebab-case name shown by `--steps`.
    let name: String
    let rewrite: @Sendable (MatrixSimplifier, SumForm, Shape) -> SumForm?
}

/// One applied rule: its name and the sum before and after, as expressions.
struct SimplificationStep {
    let rule: String
    let before: ExprID
    let after: ExprID
}

/// Rewrites sums of products into compact matrix expressions, applying ``rules`` in order
/// until none applies (a fixpoint) or the budget of rule applications is spent. Never
/// multiplies out a product of sums: every rule only merges, factors out, or transposes.
final class MatrixSimplifier {
    /// Why the driver stopped.
    enum StopReason: String {
        /// No rule applies.
        case fixpoint
        /// The budget of rule applications ran out; the result is right but maybe not minimal.
        case budgetExhausted = "budget exhausted"
    }

    let table: ExpressionTable
    /// Rule applications left; shared by the nested sums of one simplification. (A simplifier
    /// belongs to one derivation on one thread: the run-time exclusivity checks Swift makes on
    /// a class's stored properties are turned off for the ones touched at every rule.)
    @exclusivity(unchecked) private(set) var budget: Int
    /// Applied rules, when recording (for `--steps`).
    private(set) var steps: [SimplificationStep] = []
    private let recording: Bool
    /// `.budgetExhausted` once the budget ran out, else `.fixpoint`.
    @exclusivity(unchecked) private(set) var stopReason = StopReason.fixpoint

    /// Where the time of simplification goes, when it is wanted.
    let profile: StageProfile?

    /// Sums already simplified, with their results: the factoring rules simplify the same
    /// groups of terms again and again (each candidate factor, at every pass of the driver),
    /// and a sum's simplified form depends on the sum alone.
    @exclusivity(unchecked) private var simplified: [SimplifiedKey: ExprID] = [:]

    /// How many transposed sums (of collect-transposes) are being simplified around the
    /// current one.
    @exclusivity(unchecked) private var withinTransposedSum = 0

    /// What a simplification depends on.
    private struct SimplifiedKey: Hashable {
        let sum: SumForm
        let shape: Shape
        let collectingTransposes: Bool
    }

    /// Trial factorings left: each group of terms that a factoring rule weighs (simplifying
    /// what is left and comparing costs) spends one. A rule application is cheap, but the
    /// weighing is not, and a sum of many long products offers more groups than are worth
    /// weighing: past this budget the factoring rules stop looking, so that the work stays
    /// bounded (about linear in the size of the result), and the result is right all the
    /// same, perhaps not minimal.
    @exclusivity(unchecked) private(set) var trialBudget: Int
    /// The trial budget at the start.
    private let initialTrials: Int

    /// A simplifier over `table` allowed `budget` rule applications and `trials` weighings of
    /// a factoring.
    init(table: ExpressionTable, budget: Int = 256, trials: Int = 24, recording: Bool = false,
         profile: StageProfile? = nil) {
        self.table = table
        self.budget = budget
        self.trialBudget = trials
        self.initialTrials = trials
        self.recording = recording
        self.profile = profile
    }

    /// The trial budget given back in full, for another sum simplified by the same simplifier
    /// (the second half of a Hessian, `H₀ + S + Sᵀ`): it shares the sums already simplified,
    /// but should not inherit what the first sum spent weighing its own factorings.
    func renewTrials() {
        trialBudget = initialTrials
    }

    /// The rules, in the order they are tried.
    static let rules: [SimplificationRule] = [
        dropZeroTerms, cancelInverses, mergeLikeTerms, factorKronecker, mergeDiagonals, mergeVecs, factorLeftMultiplier,
        factorRightMultiplier, pullCommonScalar, expandEntrywisePolynomial,
    ]

    /// `drop-zero-terms`: a term with a zero coefficient, a zero factor (`zeros(m,n)`, `0`),
    /// or two neighbouring factors whose product is zero by the Penrose conditions
    /// (`A⁺(I − AA⁺) = 0`, …, see ``ExpressionTable/annihilates(_:_:)``) is dropped.
    /// Shrinks: removes a term.
    static let dropZeroTerms = SimplificationRule(name: "drop-zero-terms") { simplifier, sum, _ in
        let table = simplifier.table
        func atom(_ link: ExpressionTable.ChainLink) -> ExprID { link.transposed ? table.transpose(link.id) : link.id }
        let kept = sum.filter { term in
            !term.coefficient.isZero && !term.chain.contains { table.isZero($0.id) }
                && !term.scalars.contains { table.isZero($0.base) && !$0.exponent.isNegative }
                && !zip(term.chain, term.chain.dropFirst()).contains { table.annihilates(atom($0), atom($1)) }
        }
        return kept.count < sum.count ? kept : nil
    }

    /// The sum as one compact expression of shape `shape`.
    func simplify(_ sum: SumForm, shape: Shape) -> ExprID {
        measured(profile, .simplify) { simplify(sum, shape: shape, collectingTransposes: true) }
    }

    private func simplify(_ sum: SumForm, shape: Shape, collectingTransposes: Bool) -> ExprID {
        // A recording simplifier records every step, so it does not reuse results.
        let key = SimplifiedKey(sum: sum, shape: shape, collectingTransposes: collectingTransposes)
        if !recording, let known = simplified[key] { return known }
        let result = simplifyAnew(sum, shape: shape, collectingTransposes: collectingTransposes)
        if !recording { simplified[key] = result }
        return result
    }

    private func simplifyAnew(_ sum: SumForm, shape: Shape, collectingTransposes: Bool) -> ExprID {
        // Simplifying a nested sum is itself a trial of the factorings around it.
        if trialBudget > 0 { trialBudget -= 1 }
        var current = sum.map(normalized)
        var shared = ProductTerm(coefficient: .one, scalars: [], chain: [])
        takeOutSharedFactor(of: &current, into: &shared, shape: shape)
        rewriting: while true {
            for rule in Self.rules {
                guard budget > 0 else {
                    stopReason = .budgetExhausted
                    break rewriting
                }
                if let next = rule.rewrite(self, current, shape) {
                    budget -= 1
                    if recording {
                        steps.append(SimplificationStep(
                            rule: rule.name, before: written(current, times: shared, shape: shape),
                            after: written(next, times: shared, shape: shape)))
                    }
                    current = next
                    takeOutSharedFactor(of: &current, into: &shared, shape: shape)
                    continue rewriting
                }
            }
            break
        }
        return written(collectingTransposes ? collectedTransposes(current, shape: shape) : table.expression(of: current, shape: shape),
                       times: shared, shape: shape)
    }

    /// The factor that every term of `sum` shares, moved into `shared`:
    ///
    /// - `pull-common-scalar` for the scalars of every term (`s A + s B = s (A + B)`);
    /// - `pull-common-coefficient` for a number other than 1 that divides every coefficient
    ///   to an integer, negative when every coefficient is (`2 A + 2 B = 2 (A + B)`,
    ///   `−A − B = −(A + B)`).
    ///
    /// The driver holds the factor aside and goes on with the sum that is left, instead of
    /// simplifying that sum again as a nested one: the rules that found nothing in the sum
    /// would find nothing in it again, and each level of such nesting ran them all once more.
    /// A scalar or number that only some terms share is pulled by the rule
    /// ``pullCommonScalar`` (with a nested simplification of its group).
    private func takeOutSharedFactor(of sum: inout SumForm, into shared: inout ProductTerm, shape: Shape) {
        guard sum.count >= 2 else { return }
        var pulled: [LiftedTerm.ScalarPower] = []
        for candidate in sum[0].scalars
        where !pulled.contains(candidate) && sum.dropFirst().allSatisfy({ $0.scalars.contains(candidate) }) {
            pulled.append(candidate)
        }
        if !pulled.isEmpty {
            let before = recording ? written(sum, times: shared, shape: shape) : nil
            for index in sum.indices {
                for scalar in pulled { sum[index].scalars.remove(at: sum[index].scalars.firstIndex(of: scalar)!) }
            }
            shared.scalars = (shared.scalars + pulled).sorted()
            if let before {
                steps.append(SimplificationStep(
                    rule: "pull-common-scalar", before: before,
                    after: written(sum, times: shared, shape: shape)))
            }
        }
        guard !sum.contains(where: { $0.coefficient.isZero }), let common = Self.commonFactor(sum.map(\.coefficient))
        else { return }
        let before = recording ? written(sum, times: shared, shape: shape) : nil
        for index in sum.indices { sum[index].coefficient = sum[index].coefficient / common }
        shared.coefficient *= common
        if let before {
            steps.append(SimplificationStep(
                rule: "pull-common-coefficient", before: before,
                after: written(sum, times: shared, shape: shape)))
        }
    }

    /// `expression` times the factor `shared` (a coefficient and scalars).
    private func written(_ expression: ExprID, times shared: ProductTerm, shape: Shape) -> ExprID {
        guard !shared.coefficient.isOne || !shared.scalars.isEmpty else { return expression }
        var term = table.productTerm(expression)
        term.coefficient *= shared.coefficient
        term.scalars = (term.scalars + shared.scalars).sorted()
        return table.expression(of: [term], shape: shape)
    }

    /// `sum` times the factor `shared`, written.
    private func written(_ sum: SumForm, times shared: ProductTerm, shape: Shape) -> ExprID {
        written(table.expression(of: sum, shape: shape), times: shared, shape: shape)
    }

    /// `collect-transposes`: `Σ tₖ = (Σ tₖ')'`, the sum written transposed where that is
    /// shorter, as `(X*B + B*X)'` is shorter than `B'*X' + X'*B'`; else the sum as written.
    private func collectedTransposes(_ current: SumForm, shape: Shape) -> ExprID {
        let written = table.expression(of: current, shape: shape)
        guard current.count > 1, shape.kind == .matrix else { return written }
        let transposedSum = current.map(table.transposed)
        // Trying costs a whole simplification: only when the transposed sum has fewer
        // transposes to write (what collecting them saves), counted on its links.
        guard transposeCount(of: transposedSum) + 1 < transposeCount(of: current) else { return written }
        // The transposed sum's own nested sums are not tried transposed again: that would
        // double the work at every level of nesting.
        withinTransposedSum += 1
        let inner = simplify(transposedSum, shape: shape.transposed, collectingTransposes: false)
        withinTransposedSum -= 1
        let collected = table.transpose(inner)
        guard table.operatorCount(collected) < table.operatorCount(written) else { return written }
        if recording {
            steps.append(SimplificationStep(rule: "collect-transposes", before: written, after: collected))
        }
        return collected
    }

    /// How many transposes the chains of `sum` write: links read transposed (by their flag or
    /// as a transpose node, not both), symmetric ones aside.
    private func transposeCount(of sum: SumForm) -> Int {
        var count = 0
        for term in sum {
            for link in term.chain where !table.isSymmetric(link.id) {
                var isTransposeNode = false
                if case .transpose = table[link.id] { isTransposeNode = true }
                if link.transposed != isTransposeNode { count += 1 }
            }
        }
        return count
    }

    /// Equal scalar factors merged (`s s⁻¹ = 1`, `s s = s²`), numeric scalars folded.
    private func normalized(_ term: ProductTerm) -> ProductTerm {
        var merged: [LiftedTerm.ScalarPower] = []
        for scalar in term.scalars.sorted() {
            if let last = merged.last, last.base == scalar.base {
                merged[merged.count - 1].exponent = last.exponent + scalar.exponent
            } else {
                merged.append(scalar)
            }
        }
        return ProductTerm(
            coefficient: term.coefficient, scalars: merged.filter { !$0.exponent.isZero }, chain: term.chain)
    }

    // MARK: Rules

    /// `cancel-inverse`: `A⁻¹ A = A A⁻¹ = I` inside a product, also transposed
    /// (`A⁻ᵀ Aᵀ = I`), and `(P₁ … Pₙ)⁻¹ = Pₙ⁻¹ … P₁⁻¹` for square factors when that lets a
    /// factor cancel (`B (A X B)⁻¹ A = X⁻¹`). Shrinks: removes two factors of a chain.
    static let cancelInverses = SimplificationRule(name: "cancel-inverse") { simplifier, sum, _ in
        var changed = false
        let result = sum.map { term -> ProductTerm in
            let chain = simplifier.table.cancellingInverses(term.chain)
            guard chain.count < term.chain.count else { return term }
            changed = true
            return ProductTerm(coefficient: term.coefficient, scalars: term.scalars, chain: chain)
        }
        return changed ? result : nil
    }

    /// `merge-like-terms`: `c₁ B + c₂ B = (c₁ + c₂) B`, dropping terms that cancel.
    /// Shrinks: removes at least one term.
    static let mergeLikeTerms = SimplificationRule(name: "merge-like-terms") { _, sum, _ in
        guard sum.count >= 2 else { return nil }
        // A few terms are compared directly: hashing their scalars and chains costs more.
        let hashing = sum.count > 8
        var positions: [ProductTerm.Body: Int] = [:]
        var merged: SumForm = []
        merged.reserveCapacity(sum.count)
        for term in sum {
            let at = hashing
                ? positions[term.body]
                : merged.firstIndex { $0.chain == term.chain && $0.scalars == term.scalars }
            if let at {
                merged[at].coefficient += term.coefficient
            } else {
                if hashing { positions[term.body] = merged.count }
                merged.append(term)
            }
        }
        let result = merged.filter { !$0.coefficient.isZero }
        return result.count < sum.count ? result : nil
    }

    /// `factor-left-multiplier`: `A B + A C = A (B + C)`, also with coefficients and scalars
    /// (`k A B + k A C = k A (B + C)`, `p A B + q A C = A (p B + q C)`); the multiplier shared
    /// by most terms first, and only where evaluation gets no costlier. Shrinks: the common
    /// factor is written once instead of k ≥ 2 times.
    static let factorLeftMultiplier = SimplificationRule(name: "factor-left-multiplier") { simplifier, sum, shape in
        simplifier.factorCommonLink(sum, shape: shape, fromLeft: true)
    }

    /// `factor-right-multiplier`: `B A + C A = (B + C) A`. Shrinks as the left one.
    static let factorRightMultiplier = SimplificationRule(name: "factor-right-multiplier") { simplifier, sum, shape in
        simplifier.factorCommonLink(sum, shape: shape, fromLeft: false)
    }

    /// `pull-common-scalar`: `s A + s B + C = s (A + B) + C` for a scalar factor `s` shared
    /// by at least two terms but not all (what every term shares the driver takes out, see
    /// ``takeOutSharedFactor(of:into:shape:)``), together with every other scalar that all
    /// those terms share (`s t A + s t B + C = s t (A + B) + C` in one step). Shrinks: `s` is
    /// written once.
    ///
    /// Pulling the shared scalars one at a time reaches the same factored term at best, and
    /// each one costs a nested simplification of the group, where the factorings weighed at
    /// one level are weighed again at the next (their terms differ by the scalars pulled so
    /// far, so no simplified sum is reused): work growing with the square of the number of
    /// scalars.
    static let pullCommonScalar = SimplificationRule(name: "pull-common-scalar") { simplifier, sum, shape in
        guard sum.count >= 2, simplifier.trialBudget > 0 else { return nil }
        // How many terms have each scalar, counted by a scan (sums and their scalar lists are
        // short; hashing them costs more).
        var scalars: [LiftedTerm.ScalarPower] = []
        var counts: [Int] = []
        for term in sum {
            for (position, scalar) in term.scalars.enumerated() where !term.scalars[..<position].contains(scalar) {
                if let known = scalars.firstIndex(of: scalar) {
                    counts[known] += 1
                } else {
                    scalars.append(scalar)
                    counts.append(1)
                }
            }
        }
        // The scalar shared by most terms; among equals, the first in the fixed order.
        guard let best = scalars.indices.lazy.filter({ counts[$0] >= 2 })
            .min(by: { (counts[$1], scalars[$0]) < (counts[$0], scalars[$1]) })
        else { return nil }
        let scalar = scalars[best]
        let (group, rest, position) = partition(sum) { $0.scalars.contains(scalar) }
        // The scalars of the first member that every member has (`scalar` among them), each
        // once: one occurrence of each leaves every member.
        var pulled: [LiftedTerm.ScalarPower] = []
        for candidate in group[0].scalars
        where !pulled.contains(candidate) && group.allSatisfy({ $0.scalars.contains(candidate) }) {
            pulled.append(candidate)
        }
        var factored = simplifier.combined(
            group.map { term in
                var inner = term
                for scalar in pulled { inner.scalars.remove(at: inner.scalars.firstIndex(of: scalar)!) }
                return inner
            }, shape: shape)
        factored.scalars = (factored.scalars + pulled).sorted()
        return placed(factored, in: rest, at: position)
    }

    /// The largest number dividing every coefficient to an integer (the greatest common
    /// divisor for integers), negative when every coefficient is; `nil` when it is 1.
    private static func commonFactor(_ coefficients: [Rational]) -> Rational? {
        guard let first = coefficients.first else { return nil }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
        var numerator = abs(first.numerator)
        var denominator = first.denominator
        for value in coefficients.dropFirst() {
            numerator = gcd(numerator, abs(value.numerator))
            denominator = denominator / gcd(denominator, value.denominator) * value.denominator
            if denominator > 1 << 40 { return nil }
        }
        var common = Rational(numerator, denominator)
        if coefficients.allSatisfy(\.isNegative) { common = -common }
        return common.isOne ? nil : common
    }

    // MARK: Helpers of the rules

    /// Groups the terms that share a link at the chosen end and writes each group as that
    /// link times the simplified sum of what is left: all groups in one pass, the link shared
    /// by most terms first, each group only where evaluation gets no costlier (flops of the
    /// group's terms against the factored term: `A u v' + A w z'` is two cheap outer
    /// products, `A (u v' + w z')` a full matrix product).
    ///
    /// A term may end in a link in a second way (``alternativeEnd(of:fromLeft:)``): a vector
    /// `v` is `diagm(v) 𝟏`, and a Kronecker product beside a commutation matrix is the swapped
    /// product on the other side of one. A term that is the link alone joins a group with the
    /// identity left over where the others leave permutations and evaluation gets strictly
    /// cheaper (`kron(A, B) + K kron(A, B) = (I + K) kron(A, B)`, a copy and a permutation
    /// instead of two Kronecker products), not where it would form a dense sum and only move
    /// work (`A + AB = A(I + B)`).
    private func factorCommonLink(_ sum: SumForm, shape: Shape, fromLeft: Bool) -> SumForm? {
        guard sum.count >= 2 else { return nil }
        typealias Link = ExpressionTable.ChainLink
        func end(_ term: ProductTerm) -> Link? {
            guard !term.chain.isEmpty else { return nil }
            return fromLeft ? term.chain.first : term.chain.last
        }
        // The ends met, in order, with how many terms end in each: sums are short, so the
        // ends are looked up by a scan, not hashed.
        var order: [Link] = []
        var counts: [Int] = []
        order.reserveCapacity(sum.count)
        counts.reserveCapacity(sum.count)
        for term in sum {
            guard let link = end(term) else { continue }
            if let known = order.firstIndex(of: link) {
                counts[known] += 1
            } else {
                order.append(link)
                counts.append(1)
            }
        }
        // A second end counts only where some term ends in that link as written. It is
        // `diagm(v)` or a Kronecker product: where no term ends in one, none is looked for
        // (each would intern a node and copy a term).
        let secondEndCanMatch = order.contains { link in
            guard !link.transposed else { return false }
            switch table[link.id] {
            case .apply(.diagonalMatrix, _), .apply2(.kron, _, _): return true
            default: return false
            }
        }
        var alternatives = [(link: Link, inner: ProductTerm)?](repeating: nil, count: secondEndCanMatch ? sum.count : 0)
        if secondEndCanMatch {
            for (position, term) in sum.enumerated() {
                guard let (link, inner) = alternativeEnd(of: term, fromLeft: fromLeft),
                      let known = order.firstIndex(of: link) else { continue }
                alternatives[position] = (link, inner)
                counts[known] += 1
            }
        }
        // Most shared first; among equals, the one met first.
        let candidates = order.indices.filter { counts[$0] >= 2 }
            .sorted { (counts[$1], $0) < (counts[$0], $1) }.map { order[$0] }
        guard !candidates.isEmpty else { return nil }
        var taken = [Bool](repeating: false, count: sum.count)
        var replacement: [Int: ProductTerm] = [:]
        for link in candidates {
            var members = sum.indices.filter { !taken[$0] && (end(sum[$0]) == link || secondEndCanMatch && alternatives[$0]?.link == link) }
            let linkShape = table.shape(link.id)
            let linkRows = link.transposed ? linkShape.columns : linkShape.rows
            let linkColumns = link.transposed ? linkShape.rows : linkShape.columns
            func inner(_ position: Int) -> ProductTerm {
                var inner = sum[position]
                if end(inner) != link, secondEndCanMatch, let alternative = alternatives[position] { return alternative.inner }
                if inner.chain.count == 1 {
                    // The link alone: the identity is left.
                    inner.chain = [Link(id: table.identity(fromLeft ? linkColumns : linkRows), transposed: false)]
                } else if fromLeft {
                    inner.chain.removeFirst()
                } else {
                    inner.chain.removeLast()
                }
                return inner
            }
            // A term that is the link alone joins only a group whose other members leave
            // permutations, so that the sum left, I + K, is applied and never formed.
            var lone = members.filter { sum[$0].chain.count == 1 && end(sum[$0]) == link }
            let others = members.filter { !lone.contains($0) }
            let innerOfOthers = others.map(inner)
            if !lone.isEmpty, !innerOfOthers.allSatisfy({ table.permutationCount(table.expression(of: $0)) != nil }) {
                members = others
                lone = []
            }
            guard members.count >= 2, lone.count < members.count else { continue }
            guard trialBudget > 0 else {
                stopReason = .budgetExhausted
                break
            }
            trialBudget -= 1
            // The identity first, as `I + K` is written.
            let group = lone.map(inner) + innerOfOthers
            let innerShape = fromLeft ? Shape(linkColumns, shape.columns) : Shape(shape.rows, linkRows)
            var factored = combined(group, shape: innerShape)
            if fromLeft { factored.chain.insert(link, at: 0) } else { factored.chain.append(link) }
            let before = table.flops(of: members.map { table.expression(of: sum[$0]) })
            let after = table.flops(of: [table.expression(of: factored)])
            // The group's terms also cost their additions, one per entry each.
            let additions = Double(members.count - 1) * table.entryCount(of: shape)
            guard lone.isEmpty ? after <= before : after < before + additions else { continue }
            for position in members { taken[position] = true }
            replacement[members[0]] = factored
        }
        guard !replacement.isEmpty else { return nil }
        // Each group takes the place of its first member, so the sum keeps its order.
        return sum.indices.compactMap { position in
            replacement[position] ?? (taken[position] ? nil : sum[position])
        }
    }

    /// The term as `link` times `inner` (`inner` times `link` from the right) in a second
    /// way, or `nil`:
    ///
    /// - a column `v` at the left end is `diagm(v) 𝟏` (a row `vᵀ` at the right `𝟏ᵀ diagm(v)`);
    /// - with `A` `m×n`, `B` `p×q` and `K₍a,b₎` the commutation matrix of `a×b` matrices,
    ///   `kron(A, B) K₍n,q₎ = K₍m,p₎ kron(B, A)` at the right end and
    ///   `K₍p,m₎ kron(A, B) = kron(B, A) K₍q,n₎` at the left (`K₍p,m₎ (A ⊗ B) K₍n,q₎ = B ⊗ A`).
    private func alternativeEnd(of term: ProductTerm, fromLeft: Bool) -> (ExpressionTable.ChainLink, ProductTerm)? {
        typealias Link = ExpressionTable.ChainLink
        guard let last = fromLeft ? term.chain.first : term.chain.last else { return nil }
        var inner = term
        if term.chain.count >= 2, last.transposed != fromLeft, table.shape(last.id).kind == .vector {
            let ones = Link(id: table.ones(table.shape(last.id)), transposed: !fromLeft)
            if fromLeft { inner.chain[0] = ones } else { inner.chain[inner.chain.count - 1] = ones }
            return (Link(id: table.apply(.diagonalMatrix, last.id), transposed: false), inner)
        }
        guard term.chain.count >= 2 else { return nil }
        let (outer, next) = fromLeft ? (term.chain[0], term.chain[1]) : (term.chain[term.chain.count - 1], term.chain[term.chain.count - 2])
        guard case .commutation(let first, let second) = table[outer.id], !outer.transposed,
              !next.transposed, case .apply2(.kron, let a, let b) = table[next.id]
        else { return nil }
        let (shapeA, shapeB) = (table.shape(a), table.shape(b))
        let swapped = Link(id: table.kron(b, a), transposed: false)
        let moved: ExprID
        if fromLeft {
            guard first == shapeB.rows, second == shapeA.rows else { return nil }
            moved = table.intern(.commutation(shapeB.columns, shapeA.columns))
        } else {
            guard first == shapeA.columns, second == shapeB.columns else { return nil }
            moved = table.intern(.commutation(shapeA.rows, shapeB.rows))
        }
        inner.chain.removeSubrange(fromLeft ? 0...1 : (term.chain.count - 2)...(term.chain.count - 1))
        if fromLeft { inner.chain.insert(Link(id: moved, transposed: false), at: 0) } else { inner.chain.append(Link(id: moved, transposed: false)) }
        return (swapped, inner)
    }

    /// The terms that satisfy `belongs`, the others, and the position of the first member
    /// among the others (where the group goes back, so the sum keeps its order).
    static func partition(_ sum: SumForm, _ belongs: (ProductTerm) -> Bool) -> (SumForm, SumForm, Int) {
        var group: SumForm = []
        var rest: SumForm = []
        var position: Int?
        for term in sum {
            if belongs(term) {
                if position == nil { position = rest.count }
                group.append(term)
            } else {
                rest.append(term)
            }
        }
        return (group, rest, position ?? rest.count)
    }

    /// `rest` with `term` inserted at `position`.
    static func placed(_ term: ProductTerm, in rest: SumForm, at position: Int) -> SumForm {
        var result = rest
        result.insert(term, at: min(position, result.count))
        return result
    }

    /// A sum simplified into one product term: the term itself when the sum collapses to one,
    /// else one link (or scalar) holding the simplified sum.
    func combined(_ sum: SumForm, shape: Shape) -> ProductTerm {
        let expression = simplify(sum, shape: shape, collectingTransposes: withinTransposedSum == 0)
        let term = table.productTerm(expression)
        return term
    }
}

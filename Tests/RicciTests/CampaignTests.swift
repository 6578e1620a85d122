// The seeded random campaign in small, and what larger campaigns found, each as a regression test.

import Testing
@testable import Ricci
import RicciCampaign

/// The derivative of `expression` by `variable`, declarations as `--var` texts.
private func derivative(_ expression: String, _ variable: String, _ declarations: [String] = []) throws -> Derivative {
    try Ricci.derivative(
        of: expression, withRespectTo: variable, declarations: Declarations(parsingVariables: declarations, functions: []))
}

@Suite struct CampaignTests {
    /// A few hundred seeded problems over the whole language: no answer wrong, no refusal
    /// that is a bug, no valid input rejected. (`.ci/run` runs thousands; `ricci-campaign`
    /// any number.)
    @Test(arguments: [UInt64(20_261_201), 7_000_000])
    func seededProblemsHaveNoFailure(firstSeed: UInt64) {
        var report = CampaignReport()
        for seed in firstSeed..<firstSeed + 150 { report.add(Campaign.run(seed: seed, depth: 8)) }
        let failures = report.failures.map { "seed \($0.problem.seed): \($0.problem.command): \($0.printed)" }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        // The campaign is not vacuous: most problems get an answer the oracle checks.
        #expect(report.results.filter { $0.outcome == .right }.count >= 120)
    }

    /// The generator is a function of its seed, and it writes the synonyms of the language.
    @Test func problemsAreAFunctionOfTheirSeed() {
        let first = (1...400).map { ProblemGenerator.problem(seed: $0, depth: 8) }
        let second = (1...400).map { ProblemGenerator.problem(seed: $0, depth: 8) }
        #expect(first == second)
        let constructs = first.reduce(into: Set<String>()) { $0.formUnion($1.constructs) }
        for spelling in ["spelling ^T", "spelling ᵀ"] { #expect(constructs.contains(spelling)) }
    }

    // MARK: Found by campaigns

    /// `Σ_i δ(i,i) = n`: a sum over an identity counts its size.
    @Test(arguments: [
        ("sum(I(d))/det(D)", "D", "-tr(I(d))*inv(D)'/det(D)"),
        ("x'*A*sum(I(d))*(z - y)", "x", "tr(I(d))*A*(z - y)"),
        ("sum(alpha*I(m))", "alpha", "tr(I(m))"),
    ])
    func sumsOverIdentitiesKeepTheirSize(expression: String, variable: String, expected: String) throws {
        let result = try derivative(expression, variable)
        #expect(result.plain == expected)
        #expect(result.verify().verdict == .passed)
    }

    /// A gradient that is zero is a zero vector of the variable's length, never the number 0.
    @Test func aZeroGradientIsAZeroVector() throws {
        let result = try derivative("(-((x + x)./x))'*(I(r) + A'*A)*-((x + x)./x)", "x")
        #expect(result.plain == "zeros(r)")
        #expect(result.verify().verdict == .passed)
    }

    /// `(y.^2).^1.5` is `|y|³`, not `y³`: its derivative keeps the root.
    @Test func powersOfPowersKeepTheirSign() throws {
        let result = try derivative("sum((y.^2).^1.5)", "y")
        #expect(result.plain == "3*(y.*sqrt(y.^2))")
        #expect(result.verify().verdict == .passed)
    }

    /// The oracle does not call an answer wrong where the second derivative does not exist:
    /// `mean(alpha*D'./sigmoid(min(I(m), D')))` by a diagonal `D` ties `min` at every zero off
    /// the diagonal, where the gradient is continuous but its slope jumps (`x ⊘ σ(min(0, x))`
    /// has second derivatives 0 and −2 on the two sides). Central differences of the gradient
    /// average the two; the one-sided ones disagree, so the point says nothing.
    @Test func aKinkOfTheGradientMakesAHessianInconclusive() {
        let result = Campaign.run(seed: 4_400_476, depth: 12)
        #expect(result.problem.command.contains("sigmoid(min(I(m), D"))
        #expect(result.outcome == .inconclusive("a kink within the step"))
    }

    /// A sum of two outer products with ones keeps its shape when one of them is written as a
    /// broadcast operand: `v 𝟏ᵀ + 𝟏 𝟏ᵀ` is `v 𝟏ᵀ + 𝟏` at most, never `v + 𝟏` (Hessians of
    /// `max(u', u')` inside `tr(kron(…))`, and of a transposed product, came out k×1).
    @Test(arguments: [UInt64(20_314_704), 20_333_590])
    func aBroadcastOperandKeepsTheSumsShape(seed: UInt64) {
        #expect(Campaign.run(seed: seed, depth: 12).outcome == .right)
    }

    /// The Jacobians of shared nodes in forward mode. One passed on open keeps its factors
    /// `𝟏[k]` on the indices its uses sum over: `Σ_{k,l} ∂(Z − β)[k,l]/∂β` is `−n²`, not `−1`
    /// (Hessians by a scalar of `‖W − W − β‖` and of `‖(K + K)ᵀ + c(t + I)‖`). One closed is
    /// taken at indices of its own: a mixed derivative's first step leaves canonical terms,
    /// whose summed indices merging would also give to the Jacobian's (`Σ_l s[i] s[l]` became
    /// `s[i]²`, and `∂softmax(β + z)/∂β`, zero, came out `s − s^⊙2`).
    @Test(arguments: [UInt64(50_022_162), 50_046_387, 50_062_098, 50_074_950])
    func jacobiansOfSharedNodesAreRight(seed: UInt64) {
        #expect(Campaign.run(seed: seed, depth: 12).outcome == .right)
    }

    /// A function that divides by zero everywhere (`x - x` is 0) has no derivative to print:
    /// `1/0` was printed, unverified, since no test point had a finite value.
    @Test(arguments: ["(alpha - alpha)^(-1).*(t - beta)", "sigmoid((alpha - alpha).^(-1))*beta", "t/0"])
    func aFunctionThatDividesByZeroIsRefused(expression: String) {
        let result = CommandLineTool.run(["diff", expression, "--wrt", "t", "--var", "alpha:", "--var", "beta:", "--var", "t:"])
        #expect(result.status != 0)
        #expect(result.error.contains("divides by zero at every point"), "\(result.error)")
    }

    /// Where the function or the result cancels to its last digits, a disagreement with
    /// central differences at the level of rounding is no evidence: the point is drawn again.
    /// `(‖𝟏/√2‖² − Σ ½)` is 0 only in exact arithmetic (the derivative is 10⁻¹⁵ of rounding,
    /// computed two ways); `zᵀ log(softmax(exp(a^β (uᵀu))^‖K‖₁))` with equal entries of `a`
    /// is constant in β, its derivative a difference of terms near e²⁰.
    @Test(arguments: [
        ("(norm2((1 + (-1*ones(k,n)).^2).^(-1/2))^2 - sum(1*(1/2*ones(n,k))))*tr(diag(2*ones(k,n)*min(z, 1/2*ones(n)))*I(k))", "z"),
        ("z'*log(softmax(exp((2 + cos(-1*ones(n))).^beta*(u'*u)).^norm1(K')))", "beta"),
    ])
    func cancellationToRoundingIsNoFailure(expression: String, variable: String) throws {
        let result = try derivative(expression, variable, ["beta:", "z:n", "u:k", "K:k,m"])
        #expect(result.verify().verdict == .passed)
    }

    /// A tie of `min(Q', Q)` for a symmetric `Q` is a kink in a few entries of each column of
    /// the Jacobian: the oracle finds it entry by entry, where the column as a whole hides it.
    @Test func aKinkInOneEntryOfAColumnMakesTheProblemInconclusive() {
        let result = Campaign.run(seed: 50_036_116, depth: 12)
        #expect(result.problem.command.contains("min(Q^T, Q)"))
        #expect(result.outcome == .inconclusive("a kink within the step"))
    }

    /// `logsumexp(cosh(T))` with entries of `T` near 60 reaches 10²⁶: the weights
    /// `exp(cosh(T) − logsumexp(cosh(T)))` take a difference of such numbers, with no digit
    /// left after the point, so that point is drawn again; the derivative is right at the
    /// smaller sizes.
    @Test func anExponentialOfADifferenceOfHugeValuesIsNotAFailure() {
        #expect(Campaign.run(seed: 50_004_431, depth: 12).outcome == .right)
    }

    /// `(y.^2).^½` is `|y|` in an entry-wise polynomial too: `y ⊙ (y²)^½` is not `y²`, and its
    /// derivative `y² ⊘ (y²)^½ + (y²)^½` is not `2y` (both were, and failed verification).
    @Test(arguments: [
        ("sum(y.*(y.^2).^0.5)", ["y"]),
        ("y.*(y.^2).^0.5", ["y"]),
        ("sum(sin(y).*(y.^2).^0.5 + y.*(y.^2).^1.5)", ["y", "y"]),
    ])
    func fractionalPowersOfEvenPowersStayUnderTheirRoot(expression: String, variables: [String]) throws {
        let result = try Ricci.derivative(of: expression, withRespectTo: variables,
                                          declarations: Declarations(parsingVariables: ["y:n"], functions: []))
        #expect(result.verify().verdict == .passed)
    }

    /// Outliers of time once, right all along.
    @Test(arguments: [
        ("alpha/sqrt((-(cos(x) + (x + x)))'*(I(r) + (D*D*(D/beta))'*(D*D*(D/beta)))*-(cos(x) + (x + x)))", "D"),
        ("A*(-B*(alpha^3*(C*ones(m) + x'')))", "x"),
        ("norm2(inv(I(m) + x*x'))", "x"),
    ])
    func formerlySlowCasesAreRight(expression: String, variable: String) throws {
        #expect(try derivative(expression, variable).verify().verdict == .passed)
    }

    /// A polynomial in broadcast operands keeps the sum's shape (`(u + 𝟏ₖₓₙ) ⊘ c − c⁻¹` is
    /// `u 𝟏ᵀ ⊘ c`, an k×n matrix, not the vector `u ⊘ c`).
    @Test func expandedPolynomialsKeepTheBroadcastShape() throws {
        let result = try derivative(
            "-(2*ones(1,n))*(-z) - (-1*ones(1,k)./exp(u')*(-(u - (-1*ones(k,n)))./(1 + (1/2*ones(k,n)).^2)))", "u",
            ["z:n", "u:k"])
        #expect(result.verify().verdict == .passed)
        #expect(result.shape == [.named("n"), .named("k")])
    }

    /// The derivation of `--steps` lowers each summand of a broadcasting sum at its own indices.
    @Test func stepsOfABroadcastingSum() {
        let result = CommandLineTool.run(["diff", "ones(1,n)*z - u'*ones(k,n)", "--wrt", "u", "--var", "z:n",
                                          "--var", "u:k", "--steps"])
        #expect(result.status == 0)
        #expect(result.output.contains("index form   f[i] = ones(1,n)[l]*z[l] - u[m]*ones(k,n)[m,i]"))
    }

    /// Long flat chains are accepted and stay linear: a product of thousands of `A`s is one
    /// power, a sum of thousands of terms one gradient.
    @Test func longChainsAreAccepted() {
        let product = "tr(" + Array(repeating: "A", count: 3_000).joined(separator: "*") + ")"
        let power = CommandLineTool.run(["diff", product, "--wrt", "A", "--format", "plain"])
        #expect(power == CommandResult(output: "3000*(A^2999)'\n", error: "", status: 0))
        let sum = Array(repeating: "x'*A*x", count: 2_000).joined(separator: " + ")
        let gradient = CommandLineTool.run(["diff", sum, "--wrt", "x", "--format", "plain"])
        #expect(gradient == CommandResult(output: "2000*(A + A')*x\n", error: "", status: 0))
    }
}

/// The campaign's check of the MathML that `ricci serve` renders: it finds what is malformed,
/// and the MathML of real answers passes it.
@Suite struct CampaignMathMLTests {
    @Test func malformedMathMLIsFound() {
        #expect(Campaign.mathMLProblem(in: "<math><mi>x</mi></math>") == nil)
        #expect(Campaign.mathMLProblem(in: "<math><mspace width=\"1em\"/><mi>x</mi></math>") == nil)
        #expect(Campaign.mathMLProblem(in: "<math><mi>x</mo></math>") != nil)
        #expect(Campaign.mathMLProblem(in: "<math><mi>a<b</mi></math>") != nil)
        #expect(Campaign.mathMLProblem(in: "<math><mrow><mi>x</mi></math>") != nil)
    }

    @Test(arguments: ["x'*A*x", "sum(log(1 + exp(-y.*(X*w))))", "tr(inv(X)*A) + norm2(X)^2", "a'*log(A*exp(X)*B)*b"])
    func answersHaveWellFormedMathML(expression: String) throws {
        let checked = try CheckedExpression(parsing: expression)
        let variable = checked.environment.variables.keys.sorted().last!
        let result = try Ricci.derivative(of: checked, withRespectTo: [variable])
        #expect(Campaign.mathMLProblem(in: result.mathml) == nil)
    }
}

// Random test points: sizes, properties of values, and reproducibility from a seed.

import Foundation
import Testing
@testable import Ricci

@Suite struct TestPointTests {
    static func variable(_ name: String, _ shape: Shape,
                         _ property: MatrixProperty? = nil) -> (String, Variable) {
        (name, Variable(name: name, shape: shape, property: property, isDeclared: true))
    }

    /// One variable of every kind the table of `drawValues` distinguishes.
    static let environment = Environment(variables: Dictionary(uniqueKeysWithValues: [
        variable("S", Shape(.named("n"), .named("n")), .spd),
        variable("Y", Shape(.named("n"), .named("n")), .symmetric),
        variable("P", Shape(.named("n"), .named("n")), .symmetric),
        variable("D", Shape(.named("n"), .named("n")), .diagonal),
        variable("X", Shape(.named("n"), .named("n"))),
        variable("F", Shape(.fixed(3), .fixed(3))),
        variable("R", Shape(.named("m"), .named("n"))),
        variable("Q", Shape(.named("m"), .named("n"))),
        variable("v", Shape(.named("m"), .one)),
        variable("c", Shape(.one, .one)),
        variable("p", Shape(.one, .one)),
    ]))
    static let positive: Set<String> = ["P", "Q", "p"]

    static func draw(seed: UInt64) throws -> (sizes: [String: Int], values: [String: Tensor]) {
        var generator = SeededGenerator(seed: seed)
        let sizes = TestPoint.drawSizes(for: ["m", "n"], using: &generator)
        let values = try TestPoint.drawValues(for: environment, sizes: sizes, positive: positive, using: &generator)
        return (sizes, values)
    }

    /// The Cholesky factor `L` with `S = L Lᵀ`, or nil when a pivot is not positive (S is not
    /// positive definite).
    static func cholesky(_ s: Tensor) -> Tensor? {
        let n = s.rows
        var l = Tensor(shape: [n, n], repeating: 0)
        for j in 0..<n {
            var diagonal = s[j, j]
            for k in 0..<j { diagonal -= l[j, k] * l[j, k] }
            guard diagonal > 0 else { return nil }
            l[j, j] = diagonal.squareRoot()
            for i in (j + 1)..<n {
                var entry = s[i, j]
                for k in 0..<j { entry -= l[i, k] * l[j, k] }
                l[i, j] = entry / l[j, j]
            }
        }
        return l
    }

    static func isSymmetric(_ t: Tensor) -> Bool { t == t.transposed }

    // MARK: - Sizes

    @Test(arguments: 0..<8)
    func sizesAreDistinctAndInRange(count: Int) {
        let names = (0..<count).map { "d\($0)" }
        for seed in UInt64(0)..<20 {
            var generator = SeededGenerator(seed: seed)
            let sizes = TestPoint.drawSizes(for: names, using: &generator)
            #expect(Set(sizes.keys) == Set(names))
            #expect(Set(sizes.values).count == count, "seed \(seed)")
            #expect(sizes.values.allSatisfy { (2...max(5, count + 1)).contains($0) }, "seed \(seed)")
        }
    }

    @Test func everySizeOccurs() {
        var seen = Set<Int>()
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 { seen.formUnion(TestPoint.drawSizes(for: ["m", "n"], using: &generator).values) }
        #expect(seen == [2, 3, 4, 5])
    }

    @Test func repeatedSymbolsGetOneSize() {
        var generator = SeededGenerator(seed: 1)
        let sizes = TestPoint.drawSizes(for: ["m", "n", "m"], using: &generator)
        #expect(sizes.count == 2)
    }

    @Test(arguments: UInt64(0)..<20)
    func increasingOrderIsRespected(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let sizes = TestPoint.drawSizes(for: ["a", "b", "c", "d"], increasing: ["d", "b", "a", "zz"], using: &generator)
        let (a, b, d) = (sizes["a"] ?? 0, sizes["b"] ?? 0, sizes["d"] ?? 0)
        #expect(d < b && b < a, "seed \(seed): \(sizes)")
        #expect(Set(sizes.values).count == 4 && sizes["zz"] == nil)
    }

    // MARK: - Values

    @Test(arguments: UInt64(0)..<25)
    func valuesRespectPropertiesAndShapes(seed: UInt64) throws {
        let (sizes, values) = try Self.draw(seed: seed)
        let (m, n) = (sizes["m"] ?? 0, sizes["n"] ?? 0)
        #expect(Set(values.keys) == Set(Self.environment.variables.keys))
        let shapes = values.mapValues(\.shape)
        #expect(shapes["S"] == [n, n] && shapes["R"] == [m, n] && shapes["v"] == [m, 1]
                && shapes["c"] == [1, 1] && shapes["F"] == [3, 3], "seed \(seed)")

        // spd: symmetric, a Cholesky factor exists, and x'Sx > 0 on random x.
        let s = try #require(values["S"])
        #expect(Self.isSymmetric(s), "seed \(seed)")
        #expect(Self.cholesky(s) != nil, "seed \(seed)")
        var generator = SeededGenerator(seed: seed &+ 1000)
        for _ in 0..<10 {
            let x = TestPoint.gaussian(rows: n, columns: 1, using: &generator)
            #expect(x.transposed.matrixProduct(s).matrixProduct(x).scalarValue > 0, "seed \(seed)")
        }
        // Its eigenvalues are at least 1, so S − ½I is still positive definite.
        #expect(Self.cholesky(s - 0.5 * Tensor.identity(n)) != nil, "seed \(seed)")

        #expect(Self.isSymmetric(try #require(values["Y"])), "seed \(seed)")
        let p = try #require(values["P"])
        #expect(Self.isSymmetric(p) && p.scalars.allSatisfy { $0 >= 0.5 }, "seed \(seed)")

        let d = try #require(values["D"])
        for i in 0..<n {
            for j in 0..<n where i != j { #expect(d[i, j] == 0, "seed \(seed)") }
            #expect((0.5..<1.5).contains(d[i, i]), "seed \(seed)")
        }

        // Square without property: ‖X − I‖_F ≤ 0.6 bounds ‖X − I‖₂, so X is invertible.
        for name in ["X", "F"] {
            let square = try #require(values[name])
            let k = square.rows
            #expect((square - Tensor.identity(k)).frobeniusNorm <= 0.6 + 1e-12, "seed \(seed)")
            #expect(square.determinant != 0, "seed \(seed)")
            let product = square.matrixProduct(square.inverse())
            #expect(product.relativeDistance(to: .identity(k)) < 1e-12, "seed \(seed)")
            #expect(!Self.isSymmetric(square), "seed \(seed)")
        }

        let q = try #require(values["Q"])
        #expect(q.scalars.allSatisfy { (0.5..<1.5).contains($0) }, "seed \(seed)")
        #expect((0.5..<1.5).contains(try #require(values["p"]).scalarValue), "seed \(seed)")
        #expect(try #require(values["c"]).isFinite)
    }

    @Test func unconstrainedValuesLookStandardNormal() throws {
        // Many entries of rectangular matrices: mean near 0, variance near 1. A symmetric
        // matrix without `positive` takes both signs too.
        var entries: [Double] = []
        var symmetricEntries: [Double] = []
        for seed in UInt64(0)..<200 {
            let (_, values) = try Self.draw(seed: seed)
            entries += try #require(values["R"]).scalars
            symmetricEntries += try #require(values["Y"]).scalars
        }
        #expect(symmetricEntries.contains { $0 < 0 } && symmetricEntries.contains { $0 > 0 })
        let mean = entries.reduce(0, +) / Double(entries.count)
        let variance = entries.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(entries.count)
        #expect(entries.count > 1000)
        #expect(Swift.abs(mean) < 0.1 && Swift.abs(variance - 1) < 0.1, "mean \(mean), variance \(variance)")
    }

    @Test func equalSeedsGiveEqualPoints() throws {
        let first = try Self.draw(seed: 42)
        let second = try Self.draw(seed: 42)
        #expect(first.sizes == second.sizes && first.values == second.values)
        let other = try Self.draw(seed: 43)
        #expect(other.values != first.values)
    }

    @Test func propertyOnNonSquareShapeThrows() {
        let environment = Environment(variables: Dictionary(uniqueKeysWithValues: [
            Self.variable("S", Shape(.named("m"), .named("n")), .symmetric)]))
        var generator = SeededGenerator(seed: 0)
        #expect(throws: EvaluationError(.propertyOnNonSquare(name: "S", property: .symmetric,
                                                             shape: Shape(.named("m"), .named("n"))))) {
            try TestPoint.drawValues(for: environment, sizes: ["m": 2, "n": 3], using: &generator)
        }
    }

    @Test func missingSizesAndUnknownPositiveNamesThrow() {
        var generator = SeededGenerator(seed: 0)
        #expect(throws: EvaluationError(.unknownDimension("m"))) {
            try TestPoint.drawValues(for: Self.environment, sizes: ["n": 2], using: &generator)
        }
        #expect(throws: EvaluationError(.unknownVariable("W"))) {
            try TestPoint.drawValues(for: Self.environment, sizes: ["m": 2, "n": 3], positive: ["W"], using: &generator)
        }
        #expect(throws: EvaluationError(.invalidSize(dimension: "n", size: 0))) {
            try TestPoint.drawValues(for: Self.environment, sizes: ["m": 2, "n": 0], using: &generator)
        }
    }

    // MARK: - The generator

    @Test func generatorIsDeterministicAndInRange() {
        var a = SeededGenerator(seed: 2024)
        var b = SeededGenerator(seed: 2024)
        var c = SeededGenerator(seed: 2025)
        let first = (0..<16).map { _ in a.next() }
        #expect(first == (0..<16).map { _ in b.next() })
        #expect(first != (0..<16).map { _ in c.next() })
        for _ in 0..<1000 {
            let u = a.nextUniform()
            #expect(u >= 0 && u < 1)
            let w = a.nextUniform(from: 0.5, to: 1.5)
            #expect(w >= 0.5 && w < 1.5)
            let k = a.nextInteger(below: 3)
            #expect((0..<3).contains(k))
            #expect(a.nextNormal().isFinite)
        }
    }

    @Test func normalDrawsHaveUnitVariance() {
        var generator = SeededGenerator(seed: 3)
        let draws = (0..<20_000).map { _ in generator.nextNormal() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)
        // Standard errors are 0.007 for the mean and 0.01 for the variance.
        #expect(Swift.abs(mean) < 0.04 && Swift.abs(variance - 1) < 0.05, "mean \(mean), variance \(variance)")
        #expect(draws.filter { Swift.abs($0) > 1.96 }.count > 700 && draws.filter { Swift.abs($0) > 1.96 }.count < 1300)
    }
}

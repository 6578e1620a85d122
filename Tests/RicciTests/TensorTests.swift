// Dense tensors and their linear algebra against hand-computed values.

import Foundation
import Testing
@testable import Ricci

@Suite struct TensorTests {
    static let a = Tensor.matrix([[1, 2], [3, 4]])
    /// det = 6, inverse = adj/6 (cofactors worked out by hand).
    static let c = Tensor.matrix([[2, 0, 1], [1, 3, 2], [1, 1, 2]])
    static let cInverse = (1.0 / 6.0) * Tensor.matrix([[4, 1, -3], [0, 3, -3], [-2, -2, 6]])

    /// True when `x` and `y` have the same shape and entries within `tolerance` of each other.
    static func close(_ x: Tensor, _ y: Tensor, _ tolerance: Double = 1e-12) -> Bool {
        x.shape == y.shape && zip(x.scalars, y.scalars).allSatisfy { Swift.abs($0 - $1) <= tolerance }
    }

    @Test func rowMajorStorageAndSubscripts() {
        var t = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
        #expect(t[0, 0, 1] == 1)
        #expect(t[0, 2, 0] == 4)
        #expect(t[1, 0, 0] == 6)
        #expect(t[1, 2, 1] == 11)
        t[1, 1, 0] = -5
        #expect(t.scalars[8] == -5)
        #expect(t.order == 3 && t.count == 12)
        #expect(Self.a[1, 0] == 3 && Self.a.rows == 2 && Self.a.columns == 2)
        #expect(Tensor(shape: [], scalars: [7]).scalarValue == 7)
        #expect(Tensor(shape: [2, 2], repeating: 0.5).scalars == [0.5, 0.5, 0.5, 0.5])
    }

    @Test func constructorsOfValues() {
        #expect(Tensor.vector([1, 2, 3]).shape == [3, 1])
        #expect(Tensor.scalar(4).shape == [1, 1] && Tensor.scalar(4).isScalarValue)
        #expect(Tensor.identity(3).scalars == [1, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(Tensor.matrix([[1, 2, 3]]).shape == [1, 3])
    }

    @Test(arguments: [([1, 1], [Int]()), ([4, 1], [4]), ([1, 4], [4]), ([3, 4], [3, 4]), ([2, 2], [2, 2])])
    func axesOfValuesFollowShapeAxes(shape: [Int], axes: [Int]) {
        let value = Tensor(shape: shape, repeating: 1)
        #expect(value.axes == axes)
        #expect(value.squeezed().shape == axes)
        #expect(Tensor.axes(rows: shape[0], columns: shape[1]) == axes)
        // The same convention as the symbolic shapes: a literal 1 is an absent axis.
        let symbolic = Shape(.fixed(shape[0]), .fixed(shape[1]))
        #expect(symbolic.axes == axes.map { .fixed($0) })
    }

    @Test func reshapingKeepsRowMajorOrder() {
        let t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let r = t.reshaped([3, 2])
        #expect(r[2, 0] == 5 && r.scalars == t.scalars)
        #expect(Tensor(shape: [2, 1, 3, 1], repeating: 0).squeezed().shape == [2, 3])
    }

    @Test func arithmetic() {
        #expect((Self.a + Self.a).scalars == [2, 4, 6, 8])
        #expect((Self.a - Tensor.identity(2)).scalars == [0, 2, 3, 3])
        #expect((-Self.a).scalars == [-1, -2, -3, -4])
        #expect((0.5 * Self.a).scalars == [0.5, 1, 1.5, 2])
        #expect(Self.a.map { $0 * $0 }.scalars == [1, 4, 9, 16])
    }

    @Test func transposeAndProduct() {
        let rectangular = Tensor.matrix([[1, 2, 3], [4, 5, 6]])
        #expect(rectangular.transposed == Tensor.matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(Self.a.matrixProduct(Tensor.matrix([[0, 1], [-1, 2]])) == Tensor.matrix([[-2, 5], [-4, 11]]))
        #expect(rectangular.matrixProduct(rectangular.transposed) == Tensor.matrix([[14, 32], [32, 77]]))
        // Swapping the last two columns of c by a permutation matrix.
        let swap = Tensor.matrix([[1, 0, 0], [0, 0, 1], [0, 1, 0]])
        #expect(Self.c.matrixProduct(swap) == Tensor.matrix([[2, 1, 0], [1, 2, 3], [1, 2, 1]]))
        // An outer product of a column and a row.
        #expect(Tensor.vector([1, 2]).matrixProduct(Tensor.matrix([[3, 4, 5]])) == Tensor.matrix([[3, 4, 5], [6, 8, 10]]))
        #expect(Self.a.trace == 5 && Self.c.trace == 7)
    }

    @Test func inverses() {
        #expect(Self.close(Self.a.inverse(), Tensor.matrix([[-2, 1], [1.5, -0.5]])))
        #expect(Self.close(Self.c.inverse(), Self.cInverse))
        #expect(Self.close(Self.c.matrixProduct(Self.c.inverse()), Tensor.identity(3)))
        // A zero leading entry needs a row exchange.
        let needsPivot = Tensor.matrix([[0, 2], [3, 0]])
        #expect(Self.close(needsPivot.inverse(), Tensor.matrix([[0, 1.0 / 3], [0.5, 0]])))
        #expect(Tensor.matrix([[4]]).inverse() == Tensor.matrix([[0.25]]))
    }

    @Test func singularInverseIsNotFiniteAndDoesNotCrash() {
        let singular = Tensor.matrix([[1, 2], [2, 4]])
        #expect(!singular.inverse().isFinite)
        #expect(!Tensor(shape: [3, 3], repeating: 0).inverse().isFinite)
        #expect(singular.determinant == 0)
    }

    @Test func determinants() {
        #expect(Swift.abs(Self.a.determinant - -2) < 1e-12)
        #expect(Swift.abs(Self.c.determinant - 6) < 1e-12)
        #expect(Tensor.matrix([[0, 1], [1, 0]]).determinant == -1)
        // A cyclic permutation is even; an odd number of row exchanges flips the sign back.
        #expect(Tensor.matrix([[0, 1, 0], [0, 0, 1], [1, 0, 0]]).determinant == 1)
        #expect(Tensor.matrix([[-3]]).determinant == -3)
    }

    @Test func logDeterminantsFollowTheSign() {
        let spd = Tensor.matrix([[2, 1], [1, 2]])
        #expect(Swift.abs(spd.logDeterminant - Foundation.log(3)) < 1e-12)
        #expect(Self.a.logDeterminant.isNaN)
        let (sign, logAbsolute) = Self.a.signAndLogAbsoluteDeterminant
        #expect(sign == -1 && Swift.abs(logAbsolute - Foundation.log(2)) < 1e-12)
        #expect(Tensor.matrix([[1, 2], [2, 4]]).signAndLogAbsoluteDeterminant == (0, -.infinity))
        // Where the product of pivots overflows, their logarithms do not.
        let huge = 1e200 * Tensor.identity(3)
        #expect(Swift.abs(huge.logDeterminant - 600 * Foundation.log(10)) < 1e-9)
    }

    @Test func relativeDistance() {
        let b = Tensor.matrix([[1, 2], [3, 4.001]])
        let expected = 0.001 / (1 + 4 + 9 + 4.001 * 4.001).squareRoot()
        #expect(Swift.abs(Self.a.relativeDistance(to: b) - expected) < 1e-15)
        #expect(Self.a.relativeDistance(to: b) == b.relativeDistance(to: Self.a))
        #expect(Self.a.relativeDistance(to: Self.a) == 0)
        // Both numerically zero: they agree, whatever their ratio.
        #expect(Tensor.scalar(1e-12).relativeDistance(to: .scalar(-1e-12)) == 0)
        #expect(Tensor.scalar(1).relativeDistance(to: .scalar(0)) == 1)
        #expect(Self.a.relativeDistance(to: Self.a.reshaped([4, 1])) == .infinity)
        #expect(Self.a.relativeDistance(to: Tensor.matrix([[1, 2], [3, .nan]])).isNaN)
    }

    @Test func finiteness() {
        #expect(Self.a.isFinite)
        #expect(!Tensor.matrix([[1, .infinity]]).isFinite)
        #expect(!Tensor.matrix([[.nan, 1]]).isFinite)
    }
}

// Fixed smooth stand-ins that give declared functions numeric values for verification.

import Foundation

/// Numeric stand-ins for declared functions, which have no definition of their own.
///
/// A derivative that holds for every smooth `σ` (or `λ`) also holds for one particular smooth
/// function, so verification evaluates a declared function through a fixed stand-in. Each
/// name gets its own coefficient `c ∈ [1, 2)`, so that two different declared functions in
/// one expression are different functions and a result that confused them would fail.
///
/// - Element-wise `σ` (declared `elementwise`): `f_c(x) = tanh(c·x) + x/3`, with
///   `f_c'(x) = c·(1 − tanh²(c·x)) + 1/3`. Smooth, odd, not linear and with a derivative in
///   `[1/3, c + 1/3]`, never 0, so a missing or doubled chain-rule factor shows.
/// - Scalar `λ` of a matrix (declared `scalar`): `λ_c(M) = Σ_ij log(1 + c·M[i,j]²)`, with
///   gradient `(∇λ_c(M))[i,j] = 2c·M[i,j] / (1 + c·M[i,j]²)`. Smooth everywhere and not a
///   function of the trace or the sum alone, so transposed or mixed-up entries show.
///
/// The coefficient is `c = 1 + (h mod 2²⁰) / 2²⁰` where `h` is the 64-bit FNV-1a hash of the
/// name's UTF-8 bytes (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`: for each
/// byte, `h = (h XOR byte) · prime mod 2⁶⁴`). It is stable across processes and platforms,
/// unlike Swift's `Hasher`, which is seeded per process, and unlike a sum of code points it
/// tells anagrams (`fg`, `gf`) apart.
public enum StandInFunctions {
    /// The coefficient `c ∈ [1, 2)` of the stand-ins for the declared function `name`.
    public static func coefficient(for name: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let buckets: UInt64 = 1 << 20
        return 1 + Double(hash % buckets) / Double(buckets)
    }

    /// `f_c(x) = tanh(c·x) + x/3`.
    public static func elementwise(coefficient c: Double, _ x: Double) -> Double {
        Foundation.tanh(c * x) + x / 3
    }

    /// `f_c'(x) = c·(1 − tanh²(c·x)) + 1/3`.
    public static func elementwiseDerivative(coefficient c: Double, _ x: Double) -> Double {
        let t = Foundation.tanh(c * x)
        return c * (1 - t * t) + 1.0 / 3.0
    }

    /// The declared element-wise function `name` applied to every entry of `argument`.
    public static func elementwise(_ name: String, _ argument: Tensor) -> Tensor {
        let c = coefficient(for: name)
        return argument.map { elementwise(coefficient: c, $0) }
    }

    /// The derivative `name'` of the declared element-wise function, entry by entry.
    public static func elementwiseDerivative(_ name: String, _ argument: Tensor) -> Tensor {
        let c = coefficient(for: name)
        return argument.map { elementwiseDerivative(coefficient: c, $0) }
    }

    /// `λ_c(M) = Σ_ij log(1 + c·M[i,j]²)` for the declared scalar function `name`.
    public static func scalar(_ name: String, _ argument: Tensor) -> Double {
        let c = coefficient(for: name)
        // log1p keeps the small terms (M[i,j] near 0) accurate.
        return argument.scalars.reduce(0) { $0 + Foundation.log1p(c * $1 * $1) }
    }

    /// `∇λ_c(M)[i,j] = 2c·M[i,j] / (1 + c·M[i,j]²)`, shaped like `M`: the gradient of the
    /// declared scalar function `name`, written `grad_name(M)`.
    public static func scalarGradient(_ name: String, _ argument: Tensor) -> Tensor {
        let c = coefficient(for: name)
        return argument.map { 2 * c * $0 / (1 + c * $0 * $0) }
    }
}

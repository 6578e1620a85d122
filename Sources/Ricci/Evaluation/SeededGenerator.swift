// A small, seedable, platform-independent random number generator for test points.

import Foundation

/// A deterministic pseudo-random generator: xoshiro256** (Blackman and Vigna, 2018), its
/// 256-bit state filled from the seed by SplitMix64, as the authors recommend.
///
/// The same seed gives the same sequence on every platform and in every process, so a failing
/// verification is reproduced from its seed. Uniform and normal draws are computed here from
/// ``next()`` (not with `Double.random(in:using:)`, whose algorithm the standard library
/// does not promise to keep), so they are as reproducible as the bits.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9e37_79b9_7f4a_7c15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        // SplitMix64 never yields four zero words in a row, so the state is never all zero
        // (the one state xoshiro cannot leave).
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// The next 64 uniformly distributed bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// A uniform draw from `[0, 1)`: the top 53 bits of ``next()`` times `2⁻⁵³`, so every
    /// value is a multiple of `2⁻⁵³`.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform draw from `[lower, upper)`: `lower + (upper − lower)·u`.
    public mutating func nextUniform(from lower: Double, to upper: Double) -> Double {
        lower + (upper - lower) * nextUniform()
    }

    /// A uniform integer in `0..<bound`, without modulo bias (draws at or above the largest
    /// multiple of `bound` are rejected and drawn again); `bound > 0`.
    public mutating func nextInteger(below bound: Int) -> Int {
        precondition(bound > 0, "nextInteger(below: \(bound))")
        let range = UInt64(bound)
        let limit = UInt64.max - UInt64.max % range
        while true {
            let bits = next()
            if bits < limit { return Int(bits % range) }
        }
    }

    /// A draw from the standard normal distribution `N(0, 1)` by the Box–Muller transform:
    /// `√(−2 ln u₁) · cos(2π u₂)` with `u₁ ∈ (0, 1]`, `u₂ ∈ [0, 1)`.
    ///
    /// Each call consumes two uniform draws and returns one normal; the paired sine value is
    /// not cached, which keeps the generator's state to the four words and every call alike.
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextUniform()  // in (0, 1]: the logarithm stays finite
        let u2 = nextUniform()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

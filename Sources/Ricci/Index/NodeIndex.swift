// The hash index of an expression table: from a node to its number, without `Hasher`.

/// An open-addressing hash index from ``ExprNode``s to their ``ExprID``s.
///
/// Interning looks a node up every time a rule builds one, dozens of times per derivative.
/// `Dictionary` hashes each key with a freshly seeded SipHash, which cost more than the rest
/// of the lookup; the children of a node are small integers, so a multiplicative mix of them
/// (`h ← (h ⊕ v)·φ`, φ the 64-bit golden ratio) spreads them as well for a table that only
/// ever holds one derivation's nodes. Linear probing, load factor ≤ ½, never shrinks.
struct NodeIndex {
    /// Slot `s` holds the raw number of a node, or −1 when empty. Its count is a power of 2.
    private var slots: [Int32] = Array(repeating: -1, count: 64)
    /// The hash of every node, by raw number (kept so that growing needs no rehashing).
    private var hashes: [UInt64] = []

    /// Makes room for `count` nodes without growing.
    mutating func reserveCapacity(_ count: Int) {
        hashes.reserveCapacity(count)
        var size = slots.count
        while size < 2 * count { size *= 2 }
        guard size > slots.count else { return }
        slots = Array(repeating: -1, count: size)
        for raw in hashes.indices { place(Int32(raw), hash: hashes[raw]) }
    }

    /// The number of `node` (whose hash is `hash`), if `nodes` has it.
    func find(_ node: ExprNode, hash: UInt64, in nodes: [ExprNode]) -> ExprID? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let raw = slots[slot]
            if raw < 0 { return nil }
            if hashes[Int(raw)] == hash && nodes[Int(raw)] == node { return ExprID(raw: raw) }
            slot = (slot + 1) & mask
        }
    }

    /// Records that the node with hash `hash` is number `id`, the next number (ids are dense).
    mutating func insert(_ id: ExprID, hash: UInt64) {
        precondition(Int(id.raw) == hashes.count, "node numbers are given out in order")
        hashes.append(hash)
        if hashes.count * 2 > slots.count { grow() } else { place(id.raw, hash: hash) }
    }

    private mutating func place(_ raw: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = raw
    }

    private mutating func grow() { reserveCapacity(slots.count) }
}

extension ExprNode {
    /// A 64-bit hash of the node for ``NodeIndex``: its case and operands mixed
    /// multiplicatively, names by their UTF-8 bytes, finished by a shift so that the low
    /// bits (the slot) depend on every operand.
    var indexHash: UInt64 {
        var hash = NodeHash()
        switch self {
        case .number(let value): hash.mix(1, value.numerator, value.denominator)
        case .variable(let name): hash.mix(2); hash.mix(name)
        case .add(let a, let b): hash.mix(3, a, b)
        case .subtract(let a, let b): hash.mix(4, a, b)
        case .negate(let a): hash.mix(5, a)
        case .multiply(let a, let b): hash.mix(6, a, b)
        case .hadamard(let a, let b): hash.mix(7, a, b)
        case .elementwiseDivide(let a, let b): hash.mix(8, a, b)
        case .divide(let a, let b): hash.mix(9, a, b)
        case .power(let a, let c): hash.mix(10, a); hash.mix(0, c.numerator, c.denominator)
        case .elementwisePower(let a, let c): hash.mix(11, a); hash.mix(0, c.numerator, c.denominator)
        case .transpose(let a): hash.mix(12, a)
        case .apply(let function, let a):
            hash.mix(13, a)
            hash.mix(function)
        case .identity(let n): hash.mix(14); hash.mix(n)
        case .ones(let m, let n): hash.mix(15); hash.mix(m); hash.mix(n)
        case .matrixPower(let a, let k): hash.mix(16, a); hash.mix(UInt64(bitPattern: Int64(k)))
        case .powerBy(let a, let b): hash.mix(17, a, b)
        case .elementwisePowerBy(let a, let b): hash.mix(18, a, b)
        case .apply2(let function, let a, let b): hash.mix(19, a, b); hash.mix(function.rawValue)
        case .zeros(let m, let n): hash.mix(20); hash.mix(m); hash.mix(n)
        case .commutation(let m, let n): hash.mix(21); hash.mix(m); hash.mix(n)
        }
        return hash.value
    }
}

/// The running state of ``ExprNode/indexHash``.
private struct NodeHash {
    private(set) var state: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let golden: UInt64 = 0x9e37_79b9_7f4a_7c15

    var value: UInt64 { state ^ (state >> 29) }

    mutating func mix(_ word: UInt64) {
        state = (state ^ word) &* Self.golden
        state ^= state >> 32
    }

    mutating func mix(_ tag: UInt64, _ a: ExprID, _ b: ExprID? = nil) {
        mix(tag)
        mix(UInt64(UInt32(bitPattern: a.raw)))
        if let b { mix(UInt64(UInt32(bitPattern: b.raw)) | 1 << 40) }
    }

    mutating func mix(_ tag: UInt64, _ x: Int, _ y: Int) {
        mix(tag)
        mix(UInt64(bitPattern: Int64(x)))
        mix(UInt64(bitPattern: Int64(y)))
    }

    mutating func mix(_ text: String) {
        var bytes: UInt64 = 0
        var count = 0
        for byte in text.utf8 {
            bytes = bytes << 8 | UInt64(byte)
            count += 1
            if count == 8 { mix(bytes); bytes = 0; count = 0 }
        }
        mix(bytes ^ UInt64(text.utf8.count) << 56)
    }

    mutating func mix(_ dimension: Dimension) {
        switch dimension {
        case .fixed(let size): mix(1); mix(UInt64(bitPattern: Int64(size)))
        case .named(let name): mix(2); mix(name)
        case .product(let outer, let inner): mix(3); mix(outer); mix(inner)
        }
    }

    mutating func mix(_ function: MatrixFunction) {
        switch function {
        case .trace: mix(1)
        case .determinant: mix(2)
        case .logDeterminant: mix(3)
        case .inverse: mix(4)
        case .sum: mix(5)
        case .norm2: mix(6)
        case .diagonalMatrix: mix(7)
        case .diagonalVector: mix(8)
        case .elementwise(let function): mix(9); mix(function.rawValue)
        case .declaredElementwise(let name): mix(10); mix(name)
        case .declaredElementwiseDerivative(let name): mix(11); mix(name)
        case .declaredScalar(let name): mix(12); mix(name)
        case .declaredScalarGradient(let name): mix(13); mix(name)
        case .pseudoInverse: mix(14)
        case .columnSums: mix(15)
        case .rowSums: mix(16)
        case .mean: mix(17)
        case .columnMeans: mix(18)
        case .rowMeans: mix(19)
        case .norm1: mix(20)
        case .diagonal: mix(21)
        case .softmax: mix(22)
        case .logSumExp: mix(23)
        case .vec: mix(24)
        case .numel: mix(25)
        case .size(let axis): mix(26); mix(UInt64(axis))
        }
    }
}
